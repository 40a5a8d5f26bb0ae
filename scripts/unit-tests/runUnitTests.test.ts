/**
 * `npm run test:unit` runs a file again only when its test process crashed mid-test, once, and
 * says so; a failing test, or a crash that comes back, fails the run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', 'run-unit-tests.ts');
const config = join(import.meta.dirname, 'fixtures', 'vitest.config.ts');
const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function run(mode: string): Promise<{ code: number | null; output: string; runs: string[] }> {
  const directory = mkdtempSync(join(tmpdir(), 'rt-unit-fixture-'));
  directories.push(directory);
  const log = join(directory, 'runs.log');
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', script, `--config=${config}`], { env: { ...process.env, FIXTURE_MODE: mode, FIXTURE_LOG: log, CI: 'true' }, timeout: 60_000 }, (_error, stdout, stderr) => {
      let runs: string[] = [];
      try {
        runs = readFileSync(log, 'utf8').split('\n').filter(Boolean).sort();
      } catch {
        // no test ran
      }
      resolve({ code: child.exitCode, output: stdout + stderr, runs });
    });
  });
}

describe('run-unit-tests', () => {
  it('a crash once: names the interrupted test, runs only its file again, and passes', async () => {
    const result = await run('crash-once');
    expect(result.output).toMatch(/a test process crashed; these tests never reported.*\n([^\n]*\n)*\s+\S*flaky\.fixture-test\.ts > is interrupted by a crash\n/);
    expect(result.runs).toEqual(['flaky', 'flaky', 'steady']);
    expect(result.code, result.output).toBe(0);
  });

  it('a crash that comes back fails the run', async () => {
    const result = await run('crash-always');
    expect(result.runs).toEqual(['flaky', 'flaky', 'steady']);
    expect(result.code).not.toBe(0);
  });

  it('a failing test fails the run at once, with no rerun', async () => {
    const result = await run('fail');
    expect(result.output).toContain('unit tests: failed (tests failed)');
    expect(result.runs).toEqual(['flaky', 'steady']);
    expect(result.code).not.toBe(0);
  });

  it('all passing: one run, exit 0', async () => {
    const result = await run('pass');
    expect(result.runs).toEqual(['flaky', 'steady']);
    expect(result.code).toBe(0);
  });
});
