import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { limits } from '../../shared/limits';
import { HostError } from './errors';
import type { ConsumerTakeResult, MediaSource, NotificationData, NotificationName, NewConsumer, PeerInfo } from '../../shared/protocol';

/** How a Room reaches one participant. The signaling layer implements it over a socket. */
export interface PeerChannel {
  notify<N extends NotificationName>(name: N, data: NotificationData<N>): void;
  /** Offers consumers to the client in one message; resolves with its per-consumer results (rejects on timeout). */
  offerConsumers(batch: NewConsumer[], timeoutMs: number): Promise<ConsumerTakeResult[]>;
  /** Address the participant connects from (rate limiting, logs). */
  readonly address: string;
  /** Ends the connection (after the notifications already sent). */
  disconnect(): void;
  /** Aborted when the connection closes (ends a wait in the waiting room). */
  readonly signal?: AbortSignal;
  /** The client takes `consumerScores` batches (it said so in its join). */
  readonly scoreBatches?: boolean;
  /** Its connection dropped and the host holds its media session for a resume (signaling/PeerLink). */
  readonly detached?: boolean;
}

export type ProducerAppData = { peerId: string; source: MediaSource };
export type ConsumerAppData = { peerId: string; producerPeerId: string; source: MediaSource };

/** Why a participant's media state ended. Closing a peer always names one. */
export type PeerCloseCause =
  | 'left' // it asked to leave
  | 'kicked' // the host removed it
  | 'disconnected' // its signaling connection dropped (it may resume)
  | 'replaced' // the same participant rejoined on a new connection
  | 'transport_closed' // a transport closed under it: its router or worker is gone
  | 'room_closed';

type PeerEvents = { close: [cause: PeerCloseCause] };

/**
 * One participant in one room: its two WebRtcTransports and the producers and consumers on them.
 * Closing the peer closes its transports; mediasoup cascades that to every producer and consumer,
 * and the 'transportclose' listeners below forget them.
 */
export class Peer extends EventEmitter<PeerEvents> {
  readonly id: string;
  readonly joinedAt = Date.now();
  displayName: string;
  handRaised = false;
  recording = false;
  readonly channel: PeerChannel;
  readonly rtpCapabilities: types.RtpCapabilities;
  readonly sendTransport: types.WebRtcTransport;
  readonly recvTransport: types.WebRtcTransport;
  readonly producers = new Map<string, types.Producer<ProducerAppData>>();
  readonly consumers = new Map<string, types.Consumer<ConsumerAppData>>();
  /**
   * Producers this peer consumes or is about to: claimed before the (async) consume, so the join
   * path and a concurrent new-producer path cannot both create a consumer for the same producer.
   */
  readonly consumedProducerIds = new Set<string>();
  /** Sources with a produce request in flight: the caps hold across concurrent requests. */
  readonly #pendingSources = new Set<MediaSource>();
  #closed = false;
  #closeCause?: PeerCloseCause;

  constructor(init: {
    id: string;
    displayName: string;
    channel: PeerChannel;
    rtpCapabilities: types.RtpCapabilities;
    sendTransport: types.WebRtcTransport;
    recvTransport: types.WebRtcTransport;
  }) {
    super();
    this.id = init.id;
    this.displayName = init.displayName;
    this.channel = init.channel;
    this.rtpCapabilities = init.rtpCapabilities;
    this.sendTransport = init.sendTransport;
    this.recvTransport = init.recvTransport;
    // A transport that closes under us (router or worker gone) takes the peer with it.
    for (const transport of [this.sendTransport, this.recvTransport]) {
      transport.observer.once('close', () => this.close('transport_closed'));
    }
    // Its receiving path moved (an ICE restart from a new address, ICE over TCP): what it got over
    // the old one up to the move is lost, and its pictures wait for a key frame.
    let tuples = 0;
    this.recvTransport.on('iceselectedtuplechange', () => {
      if (++tuples > 1) this.requestKeyFrames();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get closeCause(): PeerCloseCause | undefined {
    return this.#closeCause;
  }

  transport(transportId: string): types.WebRtcTransport | undefined {
    if (this.sendTransport.id === transportId) return this.sendTransport;
    if (this.recvTransport.id === transportId) return this.recvTransport;
    return undefined;
  }

  addProducer(producer: types.Producer<ProducerAppData>): void {
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
  }

  addConsumer(consumer: types.Consumer<ConsumerAppData>): void {
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => {
      this.consumers.delete(consumer.id);
      this.consumedProducerIds.delete(consumer.producerId);
    });
  }

  /**
   * Asks the senders of the video it receives for a key frame: after its path was gone for a
   * while, the pictures it gets next reference frames it never got and cannot be shown until one.
   */
  requestKeyFrames(): void {
    for (const consumer of this.consumers.values()) {
      if (consumer.kind === 'video' && !consumer.closed && !consumer.paused) consumer.requestKeyFrame().catch(() => undefined);
    }
  }

  /**
   * Reserves `source` for a produce request that is about to await the worker; throws when the
   * participant already sends it or has no producer slot left. Call the returned function when done.
   */
  claimSource(source: MediaSource): () => void {
    if (this.producerBySource(source) || this.#pendingSources.has(source)) throw new HostError('limit_exceeded', `already sending ${source}`);
    if (this.producers.size + this.#pendingSources.size >= limits.maxProducersPerPeer) {
      throw new HostError('limit_exceeded', `at most ${limits.maxProducersPerPeer} producers per participant`);
    }
    this.#pendingSources.add(source);
    return () => this.#pendingSources.delete(source);
  }

  /**
   * The producer a produce request asks for again: same source, kind, mid and RTP streams (SSRCs,
   * rids). A client that gave up waiting for the answer asks again with the same track; anything
   * else for a source already sent is a second one, refused by `claimSource`.
   */
  producerAskedAgain(source: MediaSource, kind: types.MediaKind, rtpParameters: types.RtpParameters): types.Producer<ProducerAppData> | undefined {
    const producer = this.producerBySource(source);
    if (!producer || producer.kind !== kind) return undefined;
    const streams = (p: types.RtpParameters) => JSON.stringify([p.mid, (p.encodings ?? []).map((e) => [e.ssrc ?? null, e.rid ?? null, e.rtx?.ssrc ?? null])]);
    return streams(producer.rtpParameters) === streams(rtpParameters) ? producer : undefined;
  }

  producerBySource(source: MediaSource): types.Producer<ProducerAppData> | undefined {
    for (const producer of this.producers.values()) if (producer.appData.source === source) return producer;
    return undefined;
  }

  info(isHost: boolean): PeerInfo {
    return {
      id: this.id,
      displayName: this.displayName,
      isHost,
      handRaised: this.handRaised,
      recording: this.recording,
      producers: [...this.producers.values()].map((producer) => ({
        id: producer.id,
        kind: producer.kind,
        source: producer.appData.source,
        paused: producer.paused,
      })),
      ...(this.channel.detached ? { reconnecting: true } : {}),
    };
  }

  close(cause: PeerCloseCause): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeCause = cause;
    this.sendTransport.close();
    this.recvTransport.close();
    this.emit('close', cause);
    this.removeAllListeners();
  }
}
