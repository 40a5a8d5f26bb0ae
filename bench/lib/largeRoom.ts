/**
 * The large-room scenario of bench:room-scale: one room of `peers` Node clients (real WebRTC via
 * @roamhq/wrtc) on a host with `workers` mediasoup workers. Everyone sends a mic (Opus with DTX;
 * `speakers` of them talk, the rest send digital silence), `videoSenders` also send a 160x120@10
 * camera, the rest receive only. The room forwards selectively (last-N): each receiver must decode
 * every camera (its tiles) and the speakers' audio, and the host must forward it no other audio.
 *
 * To keep the load generator alive on two cores, a receiver hides a camera tile (pauseConsumer,
 * as the app does off screen) once it decoded a frame of it. What still flows afterwards (the
 * speakers' audio to everyone) is the steady state in which worker CPU per forwarded stream is
 * measured, per worker. The clients run in child processes of `perProcess` each
 * (bench/servers/largeRoomClients.ts): one Node main thread for fifty of them was the limit. With
 * `loadNiceness` they run niced, so that the host under test comes first, as on its own machine.
 * With `silentStack` werift, the silent camera-less participants run on werift instead of wrtc
 * (bench/lib/loadStack.ts): wrtc clients alone fill two cores from 20 participants.
 */
import type { LargeRoomClientsOptions, LargeRoomClientsStatus } from '../servers/largeRoomClients';
import type { LoadStack } from './loadStack';
import { log, round, sleep } from './common';
import { startServerProcess, type ServerHandle } from './serverProcess';
import { childrenOf, coresBetween, sampleThreads } from './threadCpu';

export interface LargeRoomOptions {
  peers: number;
  videoSenders: number;
  speakers: number;
  workers: number;
  lastN: number;
  /** ROUNDTABLE_WORKER_MAX_CONSUMERS of the host (undefined: its default). */
  workerMaxConsumers?: number;
  /** Joins at a time (the load generator's pace). */
  batch: number;
  /** Load clients per child process. */
  perProcess: number;
  /** The stack of the silent, camera-less participants (bench/lib/loadStack.ts); the others are on wrtc. */
  silentStack: LoadStack['name'];
  /** werift load clients per child process (default: perProcess). */
  lightPerProcess?: number;
  /** Longest wait, once everyone joined, for every stream to have arrived. */
  timeoutMs: number;
  steadyMs: number;
  /** Longest a batch of joins waits for the room to settle before the next (0: no wait). */
  settleMs: number;
  /** The load processes' `nice` value (undefined: the bench's own). */
  loadNiceness?: number;
}

interface WorkerSample {
  index: number;
  cpuMs: number;
  routers: number;
  producers: number;
  consumers: number;
}
interface Forwarding {
  perPeer: { peer: string; audio: number; video: number }[];
  total: number;
  pipes: number;
  /** Pipes carrying media (a pipe nobody on its far worker forwards is paused). */
  pipesFlowing: number;
}


/** Failures grouped by kind: what differs between two of one kind (a duration, a mid, a peer range) taken out. */
function countKinds(failures: string[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const failure of failures) {
    const kind = failure.replace(/'[^']*'/g, "'…'").replace(/\d+(\.\d+)?/g, 'N');
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

export async function runLargeRoom(options: LargeRoomOptions, track: (cleanup: () => Promise<void>) => void): Promise<Record<string, unknown>> {
  const { peers: n, videoSenders, speakers, workers, lastN } = options;
  // A generous start-up bound: the machine may be busy with other jobs.
  const server: ServerHandle = await startServerProcess('servers/roundtable.ts', { workers, lastN, workerMaxConsumers: options.workerMaxConsumers }, 120_000);
  const processes: ServerHandle[] = [];
  const cleanup = async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop().catch(() => undefined)));
    await server.stop().catch(() => undefined);
  };
  track(cleanup);
  try {
    const isSpeaker = (i: number) => i >= videoSenders && i < videoSenders + speakers;
    // What each receiver must decode once the first `joined` participants are in: every camera but
    // its own, every speaker's audio but its own.
    const expectedWith = (joined: number, i: number) => {
      const cameras = Math.min(videoSenders, joined);
      const talkers = Math.max(0, Math.min(videoSenders + speakers, joined) - videoSenders);
      return (i < videoSenders ? cameras - 1 : cameras) + (isSpeaker(i) ? talkers - 1 : talkers);
    };
    const expected = (i: number) => expectedWith(n, i);
    const expectedTotal = Array.from({ length: n }, (_, i) => expected(i)).reduce((a, b) => a + b, 0);
    // Cameras and speakers on wrtc (real codecs); the silent rest on `silentStack`.
    const lightFrom = options.silentStack === 'werift' ? Math.min(n, videoSenders + speakers) : n;
    const processOfIndex: ServerHandle[] = [];
    const stackGroups = [
      { stack: 'wrtc' as const, from: 0, to: Math.min(n, lightFrom), perProcess: options.perProcess },
      { stack: 'werift' as const, from: lightFrom, to: n, perProcess: options.lightPerProcess ?? options.perProcess },
    ];
    for (const group of stackGroups) {
      for (let first = group.from; first < group.to; first += group.perProcess) {
        const clientOptions: LargeRoomClientsOptions = { url: server.baseUrl, roomId: 'large', videoSenders, speakers, stack: group.stack };
        const child = await startServerProcess('servers/largeRoomClients.ts', { ...clientOptions }, 60_000, { niceness: options.loadNiceness });
        processes.push(child);
        for (let index = first; index < Math.min(group.to, first + group.perProcess); index++) processOfIndex[index] = child;
      }
    }
    const processOf = (index: number) => processOfIndex[index]!;
    const failures: string[] = [];
    const processFailures = new Map<number, string[]>();
    const allFailures = () => [...failures, ...[...processFailures.values()].flat()];
    const received = new Map<number, number>();
    const connectedIn = new Map<number, number>();
    let connected = 0;
    // A process that hangs (wrtc) or is starved answers late or never: its last answer stands.
    const poll = async () => {
      const statuses = await Promise.all(
        processes.map((p) => Promise.race([p.command<LargeRoomClientsStatus>('status'), sleep(2_000).then(() => undefined)]).catch(() => undefined)),
      );
      statuses.forEach((status, index) => {
        if (!status) return;
        connectedIn.set(index, status.connected);
        processFailures.set(index, status.failures);
        for (const [peer, count] of Object.entries(status.received)) received.set(Number(peer), count);
      });
      connected = [...connectedIn.values()].reduce((a, b) => a + b, 0);
    };
    const receivedTotal = () => [...received.values()].reduce((a, b) => a + b, 0);
    const t0 = performance.now();
    const since = () => performance.now() - t0;

    for (let start = 0; start < n; start += options.batch) {
      const batch = Array.from({ length: Math.min(options.batch, n - start) }, (_, k) => start + k);
      const byProcess = new Map<ServerHandle, number[]>();
      for (const index of batch) byProcess.set(processOf(index), [...(byProcess.get(processOf(index)) ?? []), index]);
      // A set-up still running after 90 s (a starved or hung process) is given up; the rest go on.
      await Promise.all(
        [...byProcess].map(([child, indices]) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              failures.push(`peers ${indices[0]}–${indices.at(-1)}: set-up over 90 s`);
              resolve();
            }, 90_000);
            void child
              .command('join', { indices })
              .catch((error: Error) => void failures.push(`join batch: ${error.message}`))
              .finally(() => {
                clearTimeout(timer);
                resolve();
              });
          }),
        ),
      );
      // The next joins wait (at most settleMs) until everyone in has what they should: every join
      // makes each participant already there renegotiate, and a load generator that takes on more
      // than the machine can do starves its own event loops (missed acks and heartbeats).
      const joined = start + batch.length;
      const expectedNow = Array.from({ length: joined }, (_, i) => expectedWith(joined, i)).reduce((a, b) => a + b, 0);
      const settleBy = since() + options.settleMs;
      for (;;) {
        await poll();
        const receivedNow = Array.from({ length: joined }, (_, i) => Math.min(received.get(i) ?? 0, expectedWith(joined, i))).reduce((a, b) => a + b, 0);
        if (receivedNow >= expectedNow || since() > settleBy) break;
        await sleep(500);
      }
      log(`  large room: ${joined} joined, ${connected} connected, ${receivedTotal()}/${expectedTotal} streams received, ${round(since() / 1000, 1)} s`);
    }
    const joinedAt = since();
    let completeAt = 0;
    // Polled every half second: the completion time is known to that resolution.
    while (since() < joinedAt + options.timeoutMs) {
      await poll();
      if (receivedTotal() === expectedTotal) {
        completeAt = since();
        break;
      }
      await sleep(500);
    }
    const missing = Array.from({ length: n }, (_, i) => i).flatMap((i) => ((received.get(i) ?? 0) < expected(i) ? [`peer-${i}: ${received.get(i) ?? 0}/${expected(i)}`] : []));

    // Steady state: the speakers' audio flows to everyone; cameras are hidden.
    await sleep(3_000);
    const groups = { load: processes.map((p) => p.pid), host: [server.pid], workers: childrenOf(server.pid) };
    const threads0 = Object.fromEntries(Object.entries(groups).map(([group, pids]) => [group, sampleThreads(pids)]));
    const w0 = await server.command<WorkerSample[]>('workers');
    const f0 = await server.command<Forwarding>('forwarding');
    await sleep(options.steadyMs);
    const w1 = await server.command<WorkerSample[]>('workers');
    const f1 = await server.command<Forwarding>('forwarding');
    const steadyCores = Object.fromEntries(
      Object.entries(groups).map(([group, pids]) => [group, coresBetween(threads0[group]!, sampleThreads(pids), options.steadyMs / 1000)]),
    );
    const recentSpeakers = await server.command<string[][]>('speakers');
    const seconds = options.steadyMs / 1000;
    const perWorkerCpuPct = w1.map((w, i) => round((100 * (w.cpuMs - w0[i]!.cpuMs)) / options.steadyMs, 1));
    const workerCpuMsPerS = w1.reduce((sum, w, i) => sum + (w.cpuMs - w0[i]!.cpuMs), 0) / seconds;
    const forwarded = (f0.total + f1.total) / 2;
    const result = {
      workers,
      peers: n,
      loadNiceness: options.loadNiceness ?? null,
      /** Participants on werift (silent, no camera; a stream counts on its first decodable packet). */
      weriftClients: n - lightFrom,
      videoSenders,
      speakers,
      lastN,
      connected,
      streamsExpected: expectedTotal,
      streamsReceived: receivedTotal(),
      missing: missing.slice(0, 10),
      /** Join and produce attempts that failed on the loaded machine (each retried up to 3 times). */
      failedAttempts: allFailures().length,
      failureSamples: [...new Set(allFailures())].slice(0, 8),
      /** How many failures of each kind (figures and ids taken out). */
      failureKinds: countKinds(allFailures()),
      joinsDoneMs: round(joinedAt, 0),
      allReceivedMs: completeAt ? round(completeAt, 0) : null,
      /** At most lastN: the host forwards no silent participant's audio. */
      maxAudioForwardedPerReceiver: Math.max(...f1.perPeer.map((p) => p.audio)),
      forwardedStreams: forwarded,
      pipes: f1.pipes,
      pipesFlowing: f1.pipesFlowing,
      /** Who the host counted as the recent speakers at the end (selective forwarding follows them). */
      recentSpeakers,
      perWorker: w1.map((w, i) => ({ index: w.index, cpuPct: perWorkerCpuPct[i], routers: w.routers, producers: w.producers, consumers: w.consumers })),
      workerCpuPct: round(workerCpuMsPerS / 10, 1),
      /** Worker CPU (ms per second) per forwarded stream, in the steady state. */
      workerCpuMsPerStreamPerS: round(workerCpuMsPerS / Math.max(1, forwarded), 4),
      /**
       * Cores each thread of the load generator, the host's Node process and its workers used in the
       * steady state (Linux /proc): how much of the machine the load generator takes.
       */
      steadyCores,
    };
    log(
      `large room, ${workers} worker(s), ${result.weriftClients} of ${n} on werift: ${connected}/${n} connected, ${receivedTotal()}/${expectedTotal} streams received` +
        `${completeAt ? ` in ${result.allReceivedMs} ms` : ' (NOT all)'}, ≤${result.maxAudioForwardedPerReceiver} audio forwarded per receiver, ` +
        `${forwarded} streams forwarded, ${f1.pipes} pipes (${f1.pipesFlowing} flowing); worker CPU ${perWorkerCpuPct.join(' + ')} %, ${result.workerCpuMsPerStreamPerS} ms/s per stream; ` +
        `load per worker ${w1.map((w) => `${w.consumers} consumers`).join(' / ')}`,
    );
    const sum = (cores: Record<string, number>) => round(Object.values(cores).reduce((a, b) => a + b, 0), 2);
    log(`  steady state, cores used: load generator ${sum(steadyCores.load!)} ${JSON.stringify(steadyCores.load)}, host ${sum(steadyCores.host!)}, workers ${sum(steadyCores.workers!)}`);
    return result;
  } finally {
    await cleanup();
  }
}
