import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');

/**
 * A headless host process (`electron/host/cli.ts`) on 127.0.0.1, ephemeral ports: a node that can
 * be SIGKILLed. With `redisUrl` it is a cluster node; without, a standalone host.
 */
export class HostProcess {
  readonly nodeId: string;
  readonly adminToken: string;
  url = '';
  readonly #child: ChildProcess;
  readonly #dataDir: string;
  #output = '';

  private constructor(nodeId: string, child: ChildProcess, dataDir: string, adminToken: string) {
    this.nodeId = nodeId;
    this.#child = child;
    this.#dataDir = dataDir;
    this.adminToken = adminToken;
  }

  static async start(options: { nodeId: string; redisUrl?: string; secret?: string; env?: Record<string, string> }): Promise<HostProcess> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `roundtable-node-${options.nodeId}-`));
    const adminToken = options.env?.ROUNDTABLE_ADMIN_TOKEN ?? `admin-${options.nodeId}-0123456789abcdef`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli.ts'], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ROUNDTABLE_LISTEN_IP: '127.0.0.1',
        ROUNDTABLE_ANNOUNCED_IP: '127.0.0.1',
        ROUNDTABLE_HTTP_PORT: '0',
        ROUNDTABLE_RTC_PORT: '0',
        ROUNDTABLE_WORKERS: '1',
        ROUNDTABLE_TLS: 'false',
        ROUNDTABLE_DISCOVERY: 'false',
        ROUNDTABLE_DATA_DIR: dataDir,
        ROUNDTABLE_LOG_LEVEL: process.env.ROUNDTABLE_TEST_LOG ?? 'warn',
        ROUNDTABLE_ADMIN_TOKEN: adminToken,
        ...(options.redisUrl ? { ROUNDTABLE_REDIS_URL: options.redisUrl, ROUNDTABLE_CLUSTER_SECRET: options.secret, ROUNDTABLE_NODE_ID: options.nodeId } : {}),
        // A killed test run must not leave nodes (and their workers) behind.
        ROUNDTABLE_STOP_WITH_PARENT: '1',
        ...options.env,
      },
    });
    const host = new HostProcess(options.nodeId, child, dataDir, adminToken);
    child.stderr.on('data', (chunk: Buffer) => (host.#output = (host.#output + chunk.toString()).slice(-4_000)));
    host.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Not left running behind a failed start.
        child.kill('SIGKILL');
        fs.rmSync(dataDir, { recursive: true, force: true });
        reject(new Error(`node ${options.nodeId} did not start: ${host.#output}`));
      }, 60_000);
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const ready = /Roundtable host ready: (\S+)/.exec(stdout);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`node ${options.nodeId} exited (${code}): ${host.#output}`));
      });
    });
    return host;
  }

  /** The end of the node's log (stderr) and how it exited, for a failure report. */
  get logTail(): string {
    const exit = this.alive ? 'running' : `exited (${this.#child.exitCode ?? this.#child.signalCode})`;
    return `${this.nodeId} ${exit}:\n${this.#output}`;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async health(): Promise<HealthAnswer> {
    const response = await fetch(new URL('/api/health', this.url), { headers: { authorization: `Bearer ${this.adminToken}` } });
    return (await response.json()) as HealthAnswer;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    fs.rmSync(this.#dataDir, { recursive: true, force: true });
  }
}

export interface HealthAnswer {
  status: string;
  rooms: { id: string; peers: number }[];
  cluster?: {
    nodeId: string;
    redis: string;
    nodes: { id: string; url: string; rooms: string[]; load: { peers: number; rooms: number }; self: boolean }[];
    spans?: { roomId: string; home: string | null; remotePeers: number; pipes: { inbound: number; outbound: number; pipedIn: number; pipedOut: number; sendingPaused: number } }[];
  };
}
