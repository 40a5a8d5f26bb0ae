/**
 * Keeps this process's threads off real-time scheduling (Linux).
 *
 * libwebrtc raises some of its threads to SCHED_FIFO/SCHED_RR when the process may (root, as in
 * CI and the network lab): @roamhq/wrtc's audio device thread ("TestAudioDeviceThread", which
 * decodes and mixes every received audio stream every 10 ms) and RTP send threads. A real-time
 * thread runs before every normal one: on two cores, four load processes with ten receivers each
 * kept 1.7 cores busy at real-time priority (top, bench:room-scale's large room), and the host, its
 * mediasoup workers and the clients' own event loops starved until sockets timed out. Chromium asks
 * for real-time audio only through rtkit, within limits; a load generator must not outrank the
 * system under test. Nothing here changes what the threads do, only that they share the cores.
 *
 * One small shell loop per process does it (started once, in its own process): spawning from a
 * process with hundreds of threads and a large address space costs that process's main thread
 * milliseconds each time, so it is not done from here every second.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const SCHED_FIFO = 1;
const SCHED_RR = 2;

/** Ids of the threads of `pid` that run at a real-time policy (FIFO or RR) now. */
export function realtimeThreadsOf(pid: number): string[] {
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tids.filter((tid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // The name (field 2) is in parentheses and may hold spaces; the policy is field 41.
      const policy = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[41 - 3]);
      return policy === SCHED_FIFO || policy === SCHED_RR;
    } catch {
      return false; // the thread ended meanwhile
    }
  });
}

/** Every second while `pid` lives: threads whose policy (field 41 of their stat) is FIFO (1) or RR (2) go to SCHED_OTHER. */
const DEMOTE_LOOP = `
pid=$1
while kill -0 "$pid" 2>/dev/null; do
  for tid in $(awk '{ sub(/.*\\) /, ""); if ($39 == 1 || $39 == 2) { n = split(FILENAME, p, "/"); print p[n - 1] } }' /proc/"$pid"/task/*/stat 2>/dev/null); do
    chrt --other --pid 0 "$tid" 2>/dev/null
  done
  sleep 1
done
`;

let started = false;

/** Starts keeping this process's threads at normal scheduling, for as long as it runs. */
export function keepThreadsOffRealtime(): void {
  if (started || process.platform !== 'linux') return;
  started = true;
  try {
    const loop = spawn('sh', ['-c', DEMOTE_LOOP, 'sh', String(process.pid)], { stdio: 'ignore' });
    loop.on('error', () => undefined); // no sh or chrt: threads keep what libwebrtc asked for
    loop.unref();
  } catch {
    // as above
  }
}
