/**
 * `npm run test:unit`: vitest, and once more for a file whose test process crashed mid-test (see
 * unit-tests/crashTriage.ts). The rerun is announced with the test that was interrupted, and it
 * must pass in full; a second crash fails the run. Options (--name=value) are passed on to vitest.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { type JsonReport, triage } from './unit-tests/crashTriage';

const vitest = join(import.meta.dirname, '..', 'node_modules', 'vitest', 'vitest.mjs');

function runVitest(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    // Piped, vitest would think it writes to a file: keep its colours when this runs in a terminal.
    const colour = process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: process.env.FORCE_COLOR ?? '1' } : {};
    const child = spawn(process.execPath, [vitest, 'run', ...args], { stdio: ['inherit', 'pipe', 'pipe'], env: { ...process.env, ...colour } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: stripVTControlCharacters(output) }));
  });
}

function readReport(path: string): JsonReport | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JsonReport;
  } catch {
    return undefined;
  }
}

/** vitest's exit code, after one rerun of files whose test process crashed. */
async function runUnitTests(args: string[], reportPath: string): Promise<number> {
  const first = await runVitest([...args, '--reporter=default', '--reporter=json', `--outputFile.json=${reportPath}`]);
  if (first.code === 0) return 0;
  const verdict = triage(readReport(reportPath), first.output);
  if (verdict.kind === 'failed') {
    console.error(`unit tests: failed (${verdict.reason})`);
    return first.code;
  }
  console.error(`\nunit tests: a test process crashed; these tests never reported (one of them was running):\n${verdict.interrupted.map((test) => `  ${test}`).join('\n')}`);
  console.error(`unit tests: every other test passed; running ${verdict.files.length === 1 ? 'that file' : 'those files'} once more, and it must pass in full\n`);
  return (await runVitest([...args, ...verdict.files])).code;
}

// Options only, in --name=value form: the rerun names its files, and a file filter given here would add others.
const args = process.argv.slice(2);
const positional = args.filter((arg) => !arg.startsWith('--'));
if (positional.length > 0) throw new Error(`run-unit-tests: options only, as --name=value (got ${positional.join(' ')})`);
const directory = mkdtempSync(join(tmpdir(), 'roundtable-unit-'));
const code = await runUnitTests(args, join(directory, 'report.json')).finally(() => rmSync(directory, { recursive: true, force: true }));
process.exit(code);
