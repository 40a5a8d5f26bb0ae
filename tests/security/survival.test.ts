/**
 * Security review item 13: an unhandled promise rejection anywhere in the host is logged with its
 * stack and the host keeps serving (Node's default would end the process).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { rawClient } from '../support/rawClient';
import { rawJoin } from './support';

const fixture = fileURLToPath(new URL('./fixtures/hostThatRejects.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** Whether any process of the group `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

it('keeps serving after an unhandled rejection, and logs it with its stack', async () => {
  // Its own process group: tsx runs the fixture in a child node process (which runs the mediasoup
  // worker), and killing only tsx left that host running after the test.
  const child = spawn(tsx, [fixture], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pgid = child.pid!;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host did not start:\n${stdout}\n${stderr}`)), 20_000);
      const check = () => {
        const match = /READY (\S+) (\S+)/.exec(stdout);
        if (!match) return;
        clearTimeout(timer);
        resolve(match);
      };
      child.stdout.on('data', check);
      void exited.then(() => reject(new Error(`host exited:\n${stdout}\n${stderr}`)));
    });
    const [, baseUrl, adminToken] = ready;
    // Well past the rejection.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(child.exitCode).toBeNull();
    const health = await fetch(`${baseUrl}/api/health`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(health.status).toBe(200);
    const client = await rawClient(baseUrl!);
    expect((await rawJoin(client, 'after-the-storm', 'Still here')).ok).toBe(true);
    client.close();
    const log = stdout + stderr;
    expect(log).toContain('unhandled promise rejection');
    expect(log).toContain('boom: a mediasoup call failed after its worker died');
    expect(log).toContain('failSomewhereDeep');
  } finally {
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    await exited;
  }
  // Nothing of the fixture outlives the test (the kernel reaps the group within moments).
  for (let i = 0; i < 40 && groupAlive(pgid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(groupAlive(pgid), 'no process of the fixture host is left').toBe(false);
});
