import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { MediaSource, NotificationData, NotificationName, NewConsumer, PeerInfo } from '../../shared/protocol';

/** How a Room reaches one participant. The signaling layer implements it over a socket. */
export interface PeerChannel {
  notify<N extends NotificationName>(name: N, data: NotificationData<N>): void;
  /** Sends `newConsumer` and resolves when the client acks (rejects on timeout or error). */
  requestNewConsumer(data: NewConsumer): Promise<void>;
  /** Address the participant connects from (rate limiting, logs). */
  readonly address: string;
  /** Ends the connection (after the notifications already sent). */
  disconnect(): void;
}

export type ProducerAppData = { peerId: string; source: MediaSource };
export type ConsumerAppData = { peerId: string; producerPeerId: string; source: MediaSource };

type PeerEvents = { close: [] };

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
  #closed = false;

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
      transport.observer.once('close', () => this.close());
    }
  }

  get closed(): boolean {
    return this.#closed;
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
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sendTransport.close();
    this.recvTransport.close();
    this.emit('close');
    this.removeAllListeners();
  }
}
