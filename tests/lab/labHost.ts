import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabNode } from './Lab';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const LAB_ADMIN_TOKEN = 'lab-admin-token-0123456789';

/**
 * The real headless host (`electron/host/cli.ts`, what `npm run host` runs) inside the host node's
 * namespace: listening on every address there, HTTPS on, announced address auto-detected (so the
 * lab also checks that the LAN address is the one announced). Needs the built web app (vite build).
 */
export class LabHost {
  #output = '';

  private constructor(
    readonly node: LabNode,
    readonly baseUrl: string,
    readonly child: ChildProcess,
    readonly dataDir: string,
    output: string,
  ) {
    this.#output = output;
    child.stdout?.on('data', (chunk: Buffer) => this.#append(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.#append(chunk));
  }

  #append(chunk: Buffer): void {
    this.#output = (this.#output + chunk.toString()).slice(-20_000);
    // RTLAB_HOST_LOG=<file>: everything the host prints, for looking into a run.
    if (process.env.RTLAB_HOST_LOG) fs.appendFileSync(process.env.RTLAB_HOST_LOG, chunk);
  }

  /** What the host printed (for failure messages). */
  get output(): string {
    return this.#output;
  }

  static async start(node: LabNode, env: Record<string, string> = {}): Promise<LabHost> {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'renderer', 'index.html'))) {
      throw new Error('lab: the web app is not built (run `npx vite build` first)');
    }
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-host-'));
    // `ip netns exec` execs node in place, and `--import tsx` runs the host in that same process (tsx's
    // CLI would run it in a child): the pid we hold is the host's, so a SIGKILL leaves nothing behind
    // (its mediasoup worker exits when the host's pipe closes).
    const child = spawn('ip', ['netns', 'exec', node.namespace, process.execPath, '--import', 'tsx', 'electron/host/cli.ts'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ROUNDTABLE_LISTEN_IP: '0.0.0.0',
        ROUNDTABLE_HTTP_PORT: '4443',
        ROUNDTABLE_RTC_PORT: '40000',
        ROUNDTABLE_WORKERS: '1',
        ROUNDTABLE_DISCOVERY: 'false',
        ROUNDTABLE_DATA_DIR: dataDir,
        ROUNDTABLE_ADMIN_TOKEN: LAB_ADMIN_TOKEN,
        ROUNDTABLE_LOG_LEVEL: process.env.RTLAB_HOST_LOG_LEVEL ?? 'warn',
        ROUNDTABLE_ROOM_IDLE_CLOSE_MS: '30000',
        // A killed test run must not leave the host behind (its parent is this process: `ip netns exec` execs it).
        ROUNDTABLE_STOP_WITH_PARENT: '1',
        ...env,
      },
    });
    let output = '';
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('lab: the host did not start within 60 s')), 60_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}\n${output}`));
      };
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /Roundtable host ready: (\S+)/.exec(output);
        if (ready) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          child.stderr?.off('data', onData);
          resolve(ready[1]!);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => fail(new Error(`lab: the host exited (${code}) before it was ready`)));
    });
    return new LabHost(node, baseUrl, child, dataDir, output);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` to the host and waits for it to exit (SIGKILL after 5 s if it does not). */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    const force = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(force);
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
