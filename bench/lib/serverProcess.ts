/**
 * SFU servers under test run in their own Node process (forked), so that their CPU and RSS are
 * theirs alone — not the load generator's. Parent and child talk over the IPC channel:
 * the child announces `ready`, then answers `sample` (and any extra command) until `stop`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { types } from 'mediasoup';

/** What a server process reports about itself and its mediasoup worker. */
export interface ServerSample {
  at: number;
  workerPid: number;
  /** ru_utime + ru_stime of the worker, in ms (mediasoup getResourceUsage). */
  workerCpuMs: number;
  workerRssKb: number;
  /** The Node process hosting signaling (not the worker). */
  processRssBytes: number;
  processHeapUsedBytes: number;
  processCpuMs: number;
  peers: number;
  producers: number;
  consumers: number;
  /** Totals over every WebRtcTransport of every peer (mediasoup transport stats). */
  bytesSent: number;
  bytesReceived: number;
}

export interface ReadyMessage {
  type: 'ready';
  baseUrl: string;
  workerPid: number;
  info?: Record<string, unknown>;
}

export interface ServerHandle {
  readonly baseUrl: string;
  readonly workerPid: number;
  readonly pid: number;
  readonly info: Record<string, unknown>;
  /** gc: run a full GC in the server process first (for RSS comparisons). */
  sample(options?: { gc?: boolean }): Promise<ServerSample>;
  command<T = unknown>(name: string, args?: unknown): Promise<T>;
  stop(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** How a server process is started: inside a network namespace, at a lower CPU priority. */
export interface LaunchOptions {
  /** Run it inside this network namespace (`ip netns exec` execs node in place, so the pid and the IPC channel's inherited descriptor stay the same). */
  netns?: string;
  /**
   * Start it under `nice -n <niceness>` (every thread it ever starts inherits it): for load
   * generators, which must not take CPU from the system under test on a shared machine.
   */
  niceness?: number;
}

/** Forks `bench/<entry>` (a TypeScript file; the tsx loader is inherited) and waits for `ready`. */
export async function startServerProcess(entry: string, options: Record<string, unknown> = {}, timeoutMs = 30_000, launch: LaunchOptions = {}): Promise<ServerHandle> {
  const file = fileURLToPath(new URL(`../${entry}`, import.meta.url));
  if (!fs.existsSync(file)) throw new Error(`no server entry ${file}`);
  // Each wrapper execs the next in place (ip netns exec, nice): node keeps the pid and the IPC descriptor.
  const wrappers = [...(launch.netns ? ['ip', 'netns', 'exec', launch.netns] : []), ...(launch.niceness !== undefined ? ['nice', '-n', String(launch.niceness)] : [])];
  // The tsx loader comes with process.execArgv; --expose-gc lets a sample start from a collected heap.
  const child: ChildProcess = fork(file, [JSON.stringify(options)], {
    cwd: `${here}/../..`,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // BENCH_CPU_PROF=<dir>: each child writes a V8 CPU profile there when it exits (where its time went).
    execArgv: [
      ...(wrappers.length > 0 ? [...wrappers.slice(1), process.execPath] : []),
      ...process.execArgv,
      '--expose-gc',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    ...(wrappers.length > 0 ? { execPath: wrappers[0] } : {}),
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before it was ready`)));
    child.on('message', (message: { type?: string; id?: number; result?: unknown; error?: string }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message as ReadyMessage);
        return;
      }
      const waiter = message.id !== undefined ? pending.get(message.id) : undefined;
      if (!waiter) return;
      pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
  });
  child.once('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${entry} exited`));
    pending.clear();
  });
  let stopping: Promise<void> | undefined;
  const command = <T>(name: string, args?: unknown) =>
    new Promise<T>((resolve, reject) => {
      // After stop() the server's workers are closing: a request to them could only fail with "Channel closed".
      if (stopping || child.exitCode !== null || child.signalCode !== null) return reject(new Error(`${entry} is stopping; no ${name}`));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, name, args });
    });
  return {
    baseUrl: ready.baseUrl,
    workerPid: ready.workerPid,
    pid: child.pid!,
    info: ready.info ?? {},
    sample: (sampleOptions) => command<ServerSample>('sample', sampleOptions),
    command,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        // The child answers what is in flight first, then stops its host (see serveParent).
        child.send({ id: 0, name: 'stop' });
        // A child writing its CPU profile on exit needs longer: killed, it leaves a truncated file.
        const timer = setTimeout(() => child.kill('SIGKILL'), process.env.BENCH_CPU_PROF ? 120_000 : 8_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

const live = new Set<ChildProcess>();
/** Last resort (watchdog, crash): kill every server process this bench started, by pid. */
export function killServerProcesses(): void {
  for (const child of live) child.kill('SIGKILL');
}

// ---------------------------------------------------------------------------------------------
// Child side
// ---------------------------------------------------------------------------------------------

export function childOptions<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/** Runs the child's command loop. `stop` is called on the `stop` command or when the parent goes away. */
export function serveParent(ready: Omit<ReadyMessage, 'type'>, commands: Record<string, (args: unknown) => unknown>, stop: () => Promise<void>): void {
  let stopping = false;
  const inFlight = new Set<Promise<void>>();
  // Close order: stop taking commands, let those in flight finish (they use the workers), then
  // stop the host. Stopping it under a command aborted its worker request ("Channel closed").
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 6_000);
    force.unref();
    await Promise.allSettled(inFlight);
    await stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('disconnect', () => void shutdown());
  const run = async (message: { id: number; name: string; args?: unknown }): Promise<void> => {
    try {
      if (stopping) throw new Error('server stopping');
      const handler = commands[message.name];
      if (!handler) throw new Error(`unknown command ${message.name}`);
      const result = await handler(message.args);
      process.send?.({ id: message.id, result });
    } catch (error) {
      process.send?.({ id: message.id, error: (error as Error).message });
    }
  };
  const onMessage = (message: { id: number; name: string; args?: unknown }): void => {
    if (message.name === 'stop') return void shutdown();
    const running = run(message);
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
  };
  process.on('message', (message: { id: number; name: string; args?: unknown }) => void onMessage(message));
  process.send?.({ type: 'ready', ...ready });
}

export function rssKbOf(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The sample every server child reports: worker usage, own RSS/CPU, transport byte totals. */
export async function sampleServer(
  worker: types.Worker,
  transports: types.WebRtcTransport[],
  counts: { peers: number; producers: number; consumers: number },
  options: { gc?: boolean } = {},
): Promise<ServerSample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (options.gc && gc) gc();
  const [usage, stats] = await Promise.all([worker.getResourceUsage(), Promise.all(transports.map((t) => t.getStats().catch(() => [])))]);
  let bytesSent = 0;
  let bytesReceived = 0;
  for (const [s] of stats) {
    bytesSent += s?.bytesSent ?? 0;
    bytesReceived += s?.bytesReceived ?? 0;
  }
  const cpu = process.cpuUsage();
  return {
    at: performance.timeOrigin + performance.now(),
    workerPid: worker.pid,
    workerCpuMs: usage.ru_utime + usage.ru_stime,
    workerRssKb: rssKbOf(worker.pid),
    processRssBytes: process.memoryUsage().rss,
    processHeapUsedBytes: process.memoryUsage().heapUsed,
    processCpuMs: (cpu.user + cpu.system) / 1000,
    ...counts,
    bytesSent,
    bytesReceived,
  };
}
