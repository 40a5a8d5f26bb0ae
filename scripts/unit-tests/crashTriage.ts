/**
 * Decides whether a failed `vitest run` failed only because a test process died mid-test (a
 * native crash in @roamhq/wrtc, the test-only WebRTC stack: no JavaScript can make Node's
 * process vanish), and which files to run again. Anything else — a failed or timed-out test, an
 * unhandled error besides the crashes, a JavaScript heap out of memory (a leak is a defect) — is
 * a failure as it stands.
 */

/** The parts of vitest's JSON report this reads. */
export interface JsonReport {
  numFailedTests: number;
  numFailedTestSuites: number;
  testResults: { name: string; status: string; assertionResults: { fullName?: string; title: string; status: string }[] }[];
}

export type Triage =
  | { kind: 'failed'; reason: string }
  | { kind: 'crashed'; files: string[]; interrupted: string[] };

export const MAX_CRASHED_FILES = 2;

export function triage(report: JsonReport | undefined, output: string): Triage {
  if (!report) return { kind: 'failed', reason: 'vitest wrote no report' };
  if (report.numFailedTests > 0 || report.numFailedTestSuites > 0) return { kind: 'failed', reason: 'tests failed' };
  if (/heap out of memory|Reached heap limit/i.test(output)) return { kind: 'failed', reason: 'a test process ran out of JavaScript heap' };
  // A test that never finished is 'pending' (skipped and todo tests have their own statuses).
  const crashed = report.testResults.filter((file) => file.assertionResults.some((test) => test.status === 'pending'));
  const crashes = (output.match(/Worker exited unexpectedly/g) ?? []).length;
  const caught = Number(/Vitest caught (\d+) unhandled error/.exec(output)?.[1] ?? 0);
  if (crashed.length === 0 || crashes === 0) return { kind: 'failed', reason: 'not a test-process crash' };
  if (caught !== crashes) return { kind: 'failed', reason: `${caught} unhandled errors, of which ${crashes} test-process crashes` };
  if (crashed.length > MAX_CRASHED_FILES || crashed.length !== crashes) return { kind: 'failed', reason: `${crashes} test processes crashed (${crashed.length} files interrupted): not a rare crash` };
  return {
    kind: 'crashed',
    files: crashed.map((file) => file.name),
    interrupted: crashed.flatMap((file) => file.assertionResults.filter((test) => test.status === 'pending').map((test) => `${file.name} > ${test.fullName ?? test.title}`)),
  };
}
