/**
 * ROUNDTABLE_STOP_WITH_PARENT=1: a host whose parent (a test run, a supervisor script) dies by
 * SIGKILL stops by itself, workers included, instead of serving on as an orphan.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { waitFor } from '../support/testHost';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

it('stops the host and its workers when the process that started it is SIGKILLed', async () => {
  // The parent: a shell that starts the host and waits. Its own process group, so that whatever
  // happens the test can remove everything it started.
  const host = `exec_host() { ROUNDTABLE_STOP_WITH_PARENT=1 "${process.execPath}" --import tsx electron/host/cli.ts & echo "host=$!"; wait; }; exec_host`;
  const parent = spawn('sh', ['-c', host], {
    cwd: repo,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ROUNDTABLE_LISTEN_IP: '127.0.0.1', ROUNDTABLE_HTTP_PORT: '0', ROUNDTABLE_RTC_PORT: '0', ROUNDTABLE_WORKERS: '1', ROUNDTABLE_TLS: 'false', ROUNDTABLE_DISCOVERY: 'false', ROUNDTABLE_LOG_LEVEL: 'warn' },
  });
  let output = '';
  parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  parent.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitFor(() => output.includes('Roundtable host ready'), `host ready:\n${output}`, 25_000);
    const hostPid = Number(/host=(\d+)/.exec(output)?.[1]);
    const workers = childrenOf(hostPid);
    expect(workers.length).toBeGreaterThan(0);

    process.kill(parent.pid!, 'SIGKILL');
    await waitFor(() => !alive(hostPid) && workers.every((pid) => !alive(pid)), 'host and workers gone after the parent died', 10_000);
  } finally {
    try {
      process.kill(-parent.pid!, 'SIGKILL');
    } catch {
      // Already gone: what the test wants.
    }
  }
}, 45_000);
