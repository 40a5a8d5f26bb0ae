/**
 * CPU time per thread name of a set of processes, from /proc (Linux; elsewhere every sample is
 * empty). A V8 profile sees only a process's JavaScript: a wrtc load client's audio device, Opus
 * encoders and signaling thread are native threads, and they are where its CPU goes.
 */
import fs from 'node:fs';

/** CPU seconds per thread name (digits at the end dropped: `worker_thread12` → `worker_thread`). */
export type ThreadCpu = Record<string, number>;

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux the bench runs on

function threadsOf(pid: number): ThreadCpu {
  const byName: ThreadCpu = {};
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime: fields 14 and 15 of stat, 12 and 13 after the name.
      byName[name] = (byName[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byName;
}

/** The direct children of `pid` (the host's mediasoup workers). */
export function childrenOf(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** The summed per-thread-name CPU of `pids` now. */
export function sampleThreads(pids: number[]): ThreadCpu {
  const total: ThreadCpu = {};
  for (const pid of pids) for (const [name, seconds] of Object.entries(threadsOf(pid))) total[name] = (total[name] ?? 0) + seconds;
  return total;
}

/** Cores used per thread name between two samples `seconds` apart, largest first, above 0.01. */
export function coresBetween(before: ThreadCpu, after: ThreadCpu, seconds: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([name, cpu]) => [name, Math.round((100 * (cpu - (before[name] ?? 0))) / seconds) / 100] as const)
      .filter(([, cores]) => cores >= 0.01)
      .sort((a, b) => b[1] - a[1]),
  );
}
