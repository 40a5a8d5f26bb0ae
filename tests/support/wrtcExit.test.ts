/**
 * A process that used wrtc ends cleanly when its work is done: without the exit hook in wrtc.ts,
 * wrtc's finalizers crash Node's environment teardown (exit code 139) in about 2 of 3 runs.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/wrtcPairThatEnds.ts', import.meta.url));

function run(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', fixture], { timeout: 30_000 }, (_error, _stdout, stderr) => resolve({ code: child.exitCode, signal: child.signalCode, stderr }));
  });
}

it('ends with exit code 0 after real peer connections carried media (3 processes)', async () => {
  const results = await Promise.all([run(), run(), run()]);
  for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0, signal: null });
}, 60_000);
