/**
 * Shared bench plumbing: percentiles, machine description, CPU accounting from /proc, the run-time
 * watchdog, and the one-JSON-line summary every bench prints last.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killServerProcesses } from './serverProcess';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank on the sorted sample (p50 of 20 = the 10th value, p95 of 20 = the 19th).
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (value: number, digits = 1) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : null);

export function log(message: string): void {
  const t = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${t}s] ${message}\n`);
}
const startedAt = performance.now();

function packageVersion(name: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+local-changes` : head;
  } catch {
    return 'unknown';
  }
}

export function machine(extra: Record<string, unknown> = {}) {
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    ramGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    mediasoup: packageVersion('mediasoup'),
    mediasoupClient: packageVersion('mediasoup-client'),
    socketIo: packageVersion('socket.io'),
    wrtc: packageVersion('@roamhq/wrtc'),
    commit: gitCommit(),
    loadavg: os.loadavg().map((l) => round(l, 2)),
    ...extra,
  };
}

/** Whole-machine CPU counters (all cores) from /proc/stat, in jiffies. */
export function machineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Busy share of the whole machine between two machineCpu() readings, in % of all cores. */
export function busyPercent(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return b.total === a.total ? 0 : (100 * (b.busy - a.busy)) / (b.total - a.total);
}

/** utime+stime of one process from /proc/<pid>/stat, in ms. */
export function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** Other processes' CPU use right before a bench: to tell whether the machine was quiet. */
export function loadNote(): string {
  const [one, five] = os.loadavg();
  return `load average ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min) on ${os.availableParallelism()} cores`;
}

/**
 * Bounds a bench's run time: after `limitMs` it prints a JSON line with the error, runs the
 * cleanups it can within 5 s, kills the server processes it started, and exits non-zero.
 */
export function watchdog(name: string, limitMs: number, cleanup: () => Promise<void>): { clear(): void; readonly fired: boolean } {
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    process.stdout.write(`${name}: time limit of ${limitMs / 1000} s reached; stopping\n`);
    const force = setTimeout(() => {
      killServerProcesses();
      process.stdout.write(JSON.stringify({ bench: name, ok: false, error: `time limit ${limitMs / 1000} s` }) + '\n');
      exitNow(2);
    }, 5_000);
    void cleanup()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(force);
        killServerProcesses();
        process.stdout.write(JSON.stringify({ bench: name, ok: false, error: `time limit ${limitMs / 1000} s` }) + '\n');
        exitNow(2);
      });
  }, limitMs);
  return {
    clear: () => clearTimeout(timer),
    /** The limit was reached: the watchdog reports and exits; a failure the cleanup caused is not news. */
    get fired() {
      return fired;
    },
  };
}

/** Writes bench/results/<name>.json (kept for docs/BENCHMARKS.md) and prints the summary line last. */
export function finish(name: string, summary: Record<string, unknown>, details: Record<string, unknown> = {}): void {
  const dir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ summary, ...details }, null, 2) + '\n');
  process.stdout.write(JSON.stringify(summary) + '\n', () => exitNow(0));
}

/**
 * Exits without running native finalizers: @roamhq/wrtc aborts in its N-API finalizers when the
 * Node environment is torn down normally (V8_Fatal in GlobalHandles::Destroy), which would turn a
 * finished bench into exit code 134 with a crash trace after the summary line.
 */
export function exitNow(code: number): never {
  (process as unknown as { reallyExit(code: number): never }).reallyExit(code);
  process.exit(code);
}

/**
 * Chromium launch options shared with the e2e suite (playwright.config.ts). `BENCH_CHROMIUM`: another
 * Chromium binary (e.g. an older build unpacked with `dpkg -x`), to compare browser versions.
 */
export async function chromiumLaunchOptions(): Promise<{ executablePath: string; args: string[] }> {
  const config = (await import('../../playwright.config')).default as { use?: { launchOptions?: { executablePath?: string; args?: string[] } } };
  const launch = config.use?.launchOptions ?? {};
  return { executablePath: process.env.BENCH_CHROMIUM ?? launch.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: launch.args ?? [] };
}
