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
 * measured, per worker.
 */
import { Conference } from '../../renderer/src/conference';
import { log, round, sleep } from './common';
import { watchFirstMedia } from './firstMedia';
import { benchMedia, type BenchMedia } from './media';
import { startServerProcess, type ServerHandle } from './serverProcess';

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
  timeoutMs: number;
  steadyMs: number;
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
}

interface Client {
  index: number;
  conference: Conference;
  media?: BenchMedia;
  received: Set<string>;
  stops: (() => void)[];
}

/**
 * A produce that a reconnect interrupted (the SDK stops the track it was given) is tried again
 * with a fresh clone of the source, up to 3 times, once the client is connected again.
 */
export async function produceWithRetry(conference: Conference, track: () => MediaStreamTrack, source: 'mic' | 'camera', failures: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await conference.produceTrack(track(), source);
      return;
    } catch (error) {
      failures.push(`${source}: ${(error as Error).message}`);
      if (attempt >= 3) return;
      const deadline = Date.now() + 30_000;
      while (conference.state !== 'connected' && Date.now() < deadline) await sleep(100);
    }
  }
}

export async function runLargeRoom(options: LargeRoomOptions, track: (cleanup: () => Promise<void>) => void): Promise<Record<string, unknown>> {
  const { peers: n, videoSenders, speakers, workers, lastN } = options;
  // A generous start-up bound: the machine may be busy with other jobs.
  const server: ServerHandle = await startServerProcess('servers/roundtable.ts', { workers, lastN, workerMaxConsumers: options.workerMaxConsumers }, 120_000);
  const clients: Client[] = [];
  const cleanup = async () => {
    await Promise.all(clients.map(async (c) => {
      for (const stop of c.stops) stop();
      await c.conference.leave().catch(() => undefined);
      c.media?.stop();
    }));
    clients.length = 0;
    await server.stop().catch(() => undefined);
  };
  track(cleanup);
  try {
    const isSpeaker = (i: number) => i >= videoSenders && i < videoSenders + speakers;
    // What each receiver must decode: every camera but its own, every speaker's audio but its own.
    const expected = (i: number) => (i < videoSenders ? videoSenders - 1 : videoSenders) + (isSpeaker(i) ? speakers - 1 : speakers);
    const expectedTotal = Array.from({ length: n }, (_, i) => expected(i)).reduce((a, b) => a + b, 0);
    let receivedTotal = 0;
    const failures: string[] = [];
    const t0 = performance.now();
    const since = () => performance.now() - t0;
    let completeAt = 0;

    const setUp = async (index: number) => {
      // A join the loaded machine timed out is tried again on a fresh client, up to 3 times.
      for (let attempt = 1; ; attempt++) {
        const conference = new Conference({ url: server.baseUrl, handlerName: 'Chrome111' });
        const client: Client = { index, conference, received: new Set(), stops: [] };
        conference.on('connectionStateChanged', ({ state, reason }) => {
          if (state === 'reconnecting') failures.push(`rejoin: ${reason}`);
        });
        const firstMedia = watchFirstMedia(conference);
        client.stops.push(() => firstMedia.stop());
        conference.on('streamAdded', (event) => {
          // Only the media this receiver must get: every camera, and the speakers' audio.
          const from = Number(conference.participants.get(event.participantId)?.displayName.replace('peer-', '') ?? NaN);
          if (!Number.isInteger(from) || (event.kind === 'audio' && !isSpeaker(from))) return;
          // By sender, not participant id: a sender that rejoined as a new participant is the same stream.
          const key = `${from}:${event.kind}`;
          if (client.received.has(key)) return;
          firstMedia.add(event.consumerId, event.kind, () => {
            if (client.received.has(key)) return;
            client.received.add(key);
            if (++receivedTotal === expectedTotal) completeAt = since();
            if (event.kind === 'video') void conference.setConsumerPaused(event.consumerId, true).catch(() => undefined);
          });
        });
        try {
          await conference.join({ roomId: 'large', displayName: `peer-${index}` });
        } catch (error) {
          failures.push(`join: ${(error as Error).message}`);
          for (const stop of client.stops) stop();
          await conference.leave().catch(() => undefined);
          if (attempt >= 3) return;
          continue;
        }
        clients.push(client);
        const video = index < videoSenders;
        client.media = benchMedia({ width: video ? 160 : 0, height: video ? 120 : 0, fps: 10, audio: true, noise: 0.2, silent: !isSpeaker(index) });
        const media = client.media;
        await produceWithRetry(conference, () => media.audio!.clone(), 'mic', failures);
        if (media.video) await produceWithRetry(conference, () => media.video!.clone(), 'camera', failures);
        return;
      }
    };
    for (let start = 0; start < n; start += options.batch) {
      // A client that hangs (a starved machine) is given up after 90 s; the rest go on.
      await Promise.all(
        Array.from({ length: Math.min(options.batch, n - start) }, (_, k) =>
          new Promise<void>((resolve) => {
            // Only a set-up still running after 90 s counts as a failure.
            const timer = setTimeout(() => {
              failures.push(`peer-${start + k}: set-up over 90 s`);
              resolve();
            }, 90_000);
            void setUp(start + k).finally(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
        ),
      );
      log(`  large room: ${clients.length} joined, ${receivedTotal}/${expectedTotal} streams received, ${round(since() / 1000, 1)} s`);
    }
    const joinedAt = since();
    while (!completeAt && since() < options.timeoutMs) await sleep(50);
    const connected = clients.filter((c) => c.conference.state === 'connected').length;
    const missing = clients.flatMap((c) => (c.received.size < expected(c.index) ? [`peer-${c.index}: ${c.received.size}/${expected(c.index)}`] : []));

    // Steady state: the speakers' audio flows to everyone; cameras are hidden.
    await sleep(3_000);
    const w0 = await server.command<WorkerSample[]>('workers');
    const f0 = await server.command<Forwarding>('forwarding');
    await sleep(options.steadyMs);
    const w1 = await server.command<WorkerSample[]>('workers');
    const f1 = await server.command<Forwarding>('forwarding');
    const recentSpeakers = await server.command<string[][]>('speakers');
    const seconds = options.steadyMs / 1000;
    const perWorkerCpuPct = w1.map((w, i) => round((100 * (w.cpuMs - w0[i]!.cpuMs)) / options.steadyMs, 1));
    const workerCpuMsPerS = w1.reduce((sum, w, i) => sum + (w.cpuMs - w0[i]!.cpuMs), 0) / seconds;
    const forwarded = (f0.total + f1.total) / 2;
    const result = {
      workers,
      peers: n,
      videoSenders,
      speakers,
      lastN,
      connected,
      streamsExpected: expectedTotal,
      streamsReceived: receivedTotal,
      missing: missing.slice(0, 10),
      /** Join and produce attempts that failed on the loaded machine (each retried up to 3 times). */
      failedAttempts: failures.length,
      failureSamples: [...new Set(failures)].slice(0, 8),
      joinsDoneMs: round(joinedAt, 0),
      allReceivedMs: completeAt ? round(completeAt, 0) : null,
      /** At most lastN: the host forwards no silent participant's audio. */
      maxAudioForwardedPerReceiver: Math.max(...f1.perPeer.map((p) => p.audio)),
      forwardedStreams: forwarded,
      pipes: f1.pipes,
      /** Who the host counted as the recent speakers at the end (selective forwarding follows them). */
      recentSpeakers,
      perWorker: w1.map((w, i) => ({ index: w.index, cpuPct: perWorkerCpuPct[i], routers: w.routers, producers: w.producers, consumers: w.consumers })),
      workerCpuPct: round(workerCpuMsPerS / 10, 1),
      /** Worker CPU (ms per second) per forwarded stream, in the steady state. */
      workerCpuMsPerStreamPerS: round(workerCpuMsPerS / Math.max(1, forwarded), 4),
    };
    log(
      `large room, ${workers} worker(s): ${connected}/${n} connected, ${receivedTotal}/${expectedTotal} streams received` +
        `${completeAt ? ` in ${result.allReceivedMs} ms` : ' (NOT all)'}, ≤${result.maxAudioForwardedPerReceiver} audio forwarded per receiver, ` +
        `${forwarded} streams forwarded, ${f1.pipes} pipes; worker CPU ${perWorkerCpuPct.join(' + ')} %, ${result.workerCpuMsPerStreamPerS} ms/s per stream; ` +
        `load per worker ${w1.map((w) => `${w.consumers} consumers`).join(' / ')}`,
    );
    return result;
  } finally {
    await cleanup();
  }
}
