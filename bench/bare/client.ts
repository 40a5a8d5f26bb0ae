/**
 * The bare-mediasoup client: the typical request-per-step flow, used by the bare join page (bundled
 * for Chromium) and by Node load clients (wrtc globals + handlerName 'Chrome111').
 *
 * join(): connect → getRouterRtpCapabilities → device.load → createWebRtcTransport (send)
 *   → createWebRtcTransport (recv) → join → for each existing producer: consume → (first consume
 *   only: connectWebRtcTransport, from the transport's 'connect' event) → resumeConsumer.
 * 7 sequential requests before the first remote frame; 12 per join with produce ×2 and the send
 * transport's connect. No Roundtable code: only mediasoup-client and socket.io-client.
 */
import { Device, type types } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';

/** The same simulcast encodings and codec options Roundtable's SDK sends a camera with. */
export const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' } as RTCRtpEncodingParameters,
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' } as RTCRtpEncodingParameters,
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' } as RTCRtpEncodingParameters,
];

type Ack<T> = { ok: true; data: T } | { ok: false; error: { message: string } };

export interface BareConsumerEvent {
  consumer: types.Consumer;
  peerId: string;
  /** performance.now() when the consume answer arrived and when the resume answer arrived. */
  consumedAt: number;
  resumedAt: number;
}

export interface BareJoinOptions {
  url: string;
  roomId: string;
  displayName: string;
  handlerName?: types.BuiltinHandlerName;
  /** Called for every consumer once it is resumed on the server. */
  onConsumer?: (event: BareConsumerEvent) => void;
  /** Do not consume what others send (a send-only load client). */
  sendOnly?: boolean;
}

export class BareClient {
  readonly socket: Socket;
  readonly marks: Record<string, number> = {};
  readonly consumers = new Map<string, types.Consumer>();
  device!: Device;
  sendTransport!: types.Transport;
  recvTransport!: types.Transport;
  peerId = '';
  requests = 0;
  readonly #options: BareJoinOptions;

  private constructor(options: BareJoinOptions) {
    this.#options = options;
    this.socket = io(options.url, { transports: ['websocket'], query: { roomId: options.roomId }, reconnection: false, forceNew: true });
  }

  /** Resolves once joined (the consumes of existing producers continue in the background). */
  static async join(options: BareJoinOptions): Promise<BareClient> {
    const client = new BareClient(options);
    await client.#join();
    return client;
  }

  async request<T = any>(name: string, data: unknown = {}): Promise<T> {
    this.requests++;
    const result = (await this.socket.timeout(10_000).emitWithAck(name, data)) as Ack<T>;
    if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
    return result.data;
  }

  #mark(name: string): void {
    this.marks[name] ??= performance.now();
  }

  async #join(): Promise<void> {
    const { socket } = this;
    this.#mark('start');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    this.#mark('socketConnected');
    const routerRtpCapabilities = await this.request<types.RtpCapabilities>('getRouterRtpCapabilities');
    this.#mark('capabilities');
    this.device = this.#options.handlerName ? new Device({ handlerName: this.#options.handlerName }) : await Device.factory();
    await this.device.load({ routerRtpCapabilities });
    this.#mark('deviceLoaded');

    this.sendTransport = this.device.createSendTransport(await this.request('createWebRtcTransport', { producing: true, consuming: false }));
    this.#wireTransport(this.sendTransport);
    this.sendTransport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      this.request<{ id: string }>('produce', { transportId: this.sendTransport.id, kind, rtpParameters, appData }).then(({ id }) => callback({ id }), errback);
    });
    this.#mark('sendTransport');
    this.recvTransport = this.device.createRecvTransport(await this.request('createWebRtcTransport', { producing: false, consuming: true }));
    this.#wireTransport(this.recvTransport);
    this.recvTransport.on('connectionstatechange', (state) => state === 'connected' && this.#mark('recvConnected'));
    this.#mark('recvTransport');

    const { peerId, peers } = await this.request<{ peerId: string; peers: { id: string; producers: { id: string }[] }[] }>('join', {
      displayName: this.#options.displayName,
      rtpCapabilities: this.device.rtpCapabilities,
    });
    this.peerId = peerId;
    this.#mark('joined');
    if (this.#options.sendOnly) return;
    this.socket.on('newProducer', ({ peerId: from, producerId }: { peerId: string; producerId: string }) => void this.consume(from, producerId).catch(() => undefined));
    this.socket.on('consumerClosed', ({ consumerId }: { consumerId: string }) => {
      this.consumers.get(consumerId)?.close();
      this.consumers.delete(consumerId);
    });
    for (const peer of peers) for (const producer of peer.producers) void this.consume(peer.id, producer.id).catch(() => undefined);
  }

  #wireTransport(transport: types.Transport): void {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#mark(`${transport.direction}ConnectSent`);
      this.request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
  }

  async consume(peerId: string, producerId: string): Promise<types.Consumer> {
    const data = await this.request<{ id: string; producerId: string; kind: types.MediaKind; rtpParameters: types.RtpParameters }>('consume', {
      transportId: this.recvTransport.id,
      producerId,
    });
    const consumedAt = performance.now();
    this.#mark('consumed');
    const consumer = await this.recvTransport.consume({ id: data.id, producerId, kind: data.kind, rtpParameters: data.rtpParameters, appData: { peerId } });
    this.consumers.set(consumer.id, consumer);
    await this.request('resumeConsumer', { consumerId: consumer.id });
    const resumedAt = performance.now();
    this.#mark(`resumed-${consumer.kind}`);
    this.#options.onConsumer?.({ consumer, peerId, consumedAt, resumedAt });
    return consumer;
  }

  async produce(track: MediaStreamTrack, source: 'camera' | 'mic'): Promise<types.Producer> {
    if (source === 'camera') {
      return this.sendTransport.produce({ track, encodings: CAMERA_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 1000 }, stopTracks: false, appData: { source } });
    }
    return this.sendTransport.produce({ track, codecOptions: { opusDtx: true, opusFec: true }, stopTracks: false, appData: { source } });
  }

  close(): void {
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.socket.disconnect();
  }
}
