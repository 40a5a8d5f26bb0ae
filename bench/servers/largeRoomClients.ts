/**
 * Child process: a share of bench:room-scale's large-room participants (Node SDK clients).
 * Fifty clients in one Node process share one main thread: their socket.io heartbeats missed the
 * host's deadline and they rejoined, and wrtc once deadlocked the whole process in
 * RTCPeerConnection.close(). Spread over several processes, a starved or hung process costs only
 * its own clients, and the parent still reports. One WebRTC stack per process (`stack`, see
 * bench/lib/loadStack.ts).
 *
 * Commands: `join` { indices } sets those participants up (join, mic, camera for the first
 * `videoSenders`); `status` reports who is connected and what each received.
 */
import { Conference } from '../../renderer/src/conference';
import { loadStack, type ClientMedia, type LoadStack } from '../lib/loadStack';
import { explainMid } from '../lib/midTrace';
import { produceWithRetry } from '../lib/produceWithRetry';
import { childOptions, serveParent } from '../lib/serverProcess';

export interface LargeRoomClientsOptions {
  url: string;
  roomId: string;
  videoSenders: number;
  speakers: number;
  stack: LoadStack['name'];
}

export interface LargeRoomClientsStatus {
  connected: number;
  /** Streams each participant (by index) received a first packet of: cameras and the speakers' audio. */
  received: Record<number, number>;
  /** Every failure since the start: a status answer the parent gave up waiting for loses none. */
  failures: string[];
}

interface Client {
  index: number;
  conference: Conference;
  media?: ClientMedia;
  received: Set<string>;
  stops: (() => void)[];
}

const options = childOptions<LargeRoomClientsOptions>();
const stack = await loadStack(options.stack);
const clients: Client[] = [];
const failures: string[] = [];
/**
 * The network watcher scaled to many clients on two cores (the host under test is what is measured).
 * BENCH_LOAD_WATCHER=default keeps a single client's settings (the A/B baseline).
 */
const LOAD_CLIENT_WATCHER = process.env.BENCH_LOAD_WATCHER === 'default' ? undefined : { pollMs: 1_000, silenceMs: 6_000 };
const isSpeaker = (i: number) => i >= options.videoSenders && i < options.videoSenders + options.speakers;

/** One participant: a join the loaded machine timed out is tried again on a fresh client, up to 3 times. */
async function setUp(index: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // A full stats report of a receiving transport with ~60 streams, four times a second per client,
    // was 40 % of a load process's CPU (V8 profile, 25 participants): polled a quarter as often.
    const conference = new Conference({ url: options.url, handlerName: 'Chrome111', networkWatcher: LOAD_CLIENT_WATCHER });
    const client: Client = { index, conference, received: new Set(), stops: [] };
    // Every drop counts as `rejoin: why`; one the client came back from with its session kept (`resume`:
    // nobody else renegotiated) counts once more, as `resumed`.
    let keptSend: unknown;
    conference.on('connectionStateChanged', ({ state, reason }) => {
      if (state === 'reconnecting') {
        failures.push(`rejoin: ${reason}`);
        // Still the broken transport here (the session is torn down after this event): how its SDP came to repeat the mid.
        const mid = /Duplicate a=mid value '([^']*)'/.exec(reason ?? '')?.[1];
        if (mid !== undefined) console.error(`[mid-trace] peer-${index} mid ${mid}: ${JSON.stringify(explainMid(conference.transports.recv, mid))}`);
        keptSend ??= conference.transports.send;
      }
      if (state !== 'connected' || keptSend === undefined) return;
      if (conference.transports.send === keptSend) failures.push('resumed (session kept)');
      keptSend = undefined;
    });
    const firstMedia = stack.watch(conference);
    client.stops.push(() => firstMedia.stop());
    conference.on('streamAdded', (event) => {
      // Only the media this receiver must get: every camera, and the speakers' audio.
      const from = Number(conference.participants.get(event.participantId)?.displayName.replace('peer-', '') ?? NaN);
      if (!Number.isInteger(from) || (event.kind === 'audio' && !isSpeaker(from))) return;
      // By sender, not participant id: a sender that rejoined as a new participant is the same stream.
      const key = `${from}:${event.kind}`;
      if (client.received.has(key)) return;
      firstMedia.add(event, () => {
        client.received.add(key);
        // A decoded camera is hidden (as the app does off screen), to keep the load clients alive.
        if (event.kind === 'video') void conference.setConsumerPaused(event.consumerId, true).catch(() => undefined);
      });
    });
    try {
      await conference.join({ roomId: options.roomId, displayName: `peer-${index}` });
    } catch (error) {
      failures.push(`join: ${(error as Error).message}`);
      for (const stop of client.stops) stop();
      await conference.leave().catch(() => undefined);
      if (attempt >= 3) return;
      continue;
    }
    clients.push(client);
    const media = stack.media({ camera: index < options.videoSenders, speaking: isSpeaker(index) });
    client.media = media;
    await produceWithRetry(conference, media.mic, 'mic', failures);
    if (media.camera) await produceWithRetry(conference, media.camera, 'camera', failures);
    return;
  }
}

serveParent(
  { baseUrl: options.url, workerPid: 0 },
  {
    join: async (args) => {
      const { indices } = args as { indices: number[] };
      await Promise.all(indices.map((index) => setUp(index)));
      return clients.length;
    },
    status: (): LargeRoomClientsStatus => ({
      connected: clients.filter((c) => c.conference.state === 'connected').length,
      received: Object.fromEntries(clients.map((c) => [c.index, c.received.size])),
      failures: [...failures],
    }),
  },
  async () => {
    await Promise.all(
      clients.map(async (c) => {
        for (const stop of c.stops) stop();
        await c.conference.leave().catch(() => undefined);
        c.media?.stop();
      }),
    );
  },
);
