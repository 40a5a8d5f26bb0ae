/**
 * Node-side load clients (real WebRTC through @roamhq/wrtc), one interface over two stacks:
 *   - Roundtable: the SDK's Conference class (handlerName 'Chrome111'), exactly what the app uses.
 *   - bare: bench/bare/client.ts (mediasoup-client + socket.io-client, request-per-step).
 * A sender sends a synthetic camera (bench/lib/media.ts, Roundtable's simulcast encodings) and mic;
 * a receive-only client just joins and takes what the server offers.
 */
import { Conference } from '../../renderer/src/conference';
import { installWrtcGlobals } from '../../tests/support/wrtc';
import { BareClient } from '../bare/client';
import { benchMedia, type BenchMediaOptions } from './media';

installWrtcGlobals();

export type Stack = 'roundtable' | 'bare';

export interface LoadClient {
  readonly name: string;
  /** ms the join took (until the client could send and receive). */
  readonly joinMs: number;
  /** Consumer ids this client currently holds. */
  consumerIds(): string[];
  /** One signaling round trip that reaches the worker (resumeConsumer on a resumed consumer), in ms. */
  probe(): Promise<number>;
  close(): Promise<void>;
}

export interface ClientOptions {
  stack: Stack;
  url: string;
  roomId: string;
  name: string;
  /** Send synthetic media with these options; undefined = receive-only. */
  send?: BenchMediaOptions;
}

export async function loadClient(options: ClientOptions): Promise<LoadClient> {
  return options.stack === 'roundtable' ? roundtableClient(options) : bareClient(options);
}

async function roundtableClient({ url, roomId, name, send }: ClientOptions): Promise<LoadClient> {
  const conference = new Conference({ url, handlerName: 'Chrome111' });
  const started = performance.now();
  await conference.join({ roomId, displayName: name });
  const joinMs = performance.now() - started;
  const media = send ? benchMedia(send) : undefined;
  if (media?.audio) await conference.produceTrack(media.audio, 'mic');
  if (media?.video) await conference.produceTrack(media.video, 'camera');
  return probingClient({
    name,
    joinMs,
    consumerIds: () => [...conference.participants.values()].flatMap((p) => [...p.streams.keys()]),
    resume: (id) => conference.setConsumerPaused(id, false),
    async close() {
      await conference.leave().catch(() => undefined);
      media?.stop();
    },
  });
}

async function bareClient({ url, roomId, name, send }: ClientOptions): Promise<LoadClient> {
  const started = performance.now();
  const client = await BareClient.join({ url, roomId, displayName: name, handlerName: 'Chrome111' });
  const joinMs = performance.now() - started;
  const media = send ? benchMedia(send) : undefined;
  if (media?.audio) await client.produce(media.audio, 'mic');
  if (media?.video) await client.produce(media.video, 'camera');
  return probingClient({
    name,
    joinMs,
    consumerIds: () => [...client.consumers.keys()],
    resume: (id) => client.request('resumeConsumer', { consumerId: id }),
    close() {
      client.close();
      media?.stop();
      return Promise.resolve();
    },
  });
}

/** A load client whose probe is a resume of its consumers in turn: a request that reaches the worker. */
function probingClient(client: Omit<LoadClient, 'probe'> & { resume(consumerId: string): Promise<unknown> }): LoadClient {
  const { resume, ...rest } = client;
  let turn = 0;
  return {
    ...rest,
    async probe() {
      const ids = rest.consumerIds();
      const id = ids[turn++ % Math.max(1, ids.length)];
      if (!id) return NaN;
      const t0 = performance.now();
      await resume(id);
      return performance.now() - t0;
    },
  };
}
