import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
  });
}

/** Ends a leaked redis-server, so a failing run does not leave one behind. */
function shutDown(port: number): void {
  const socket = net.connect(port, '127.0.0.1', () => socket.end('SHUTDOWN NOSAVE\r\n'));
  socket.on('error', () => undefined);
}

describe('the tests’ redis-server', () => {
  it('goes when the test process that started it is SIGKILLed', async () => {
    const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "const { RedisServer } = await import('./tests/cluster/redisServer.ts'); const redis = await RedisServer.start(); console.log(`port ${redis.port}`); setInterval(() => undefined, 1000);"], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      holder.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /port (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      holder.once('exit', (code) => reject(new Error(`the holder exited (${code}) before starting redis`)));
    });
    expect(await answers(port)).toBe(true);
    holder.kill('SIGKILL');
    const deadline = Date.now() + 5_000;
    while ((await answers(port)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const leaked = await answers(port);
    if (leaked) shutDown(port);
    expect(leaked, 'redis-server still answers after its test process was killed').toBe(false);
  }, 30_000);
});
