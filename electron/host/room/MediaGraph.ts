import type { types } from 'mediasoup';
import type { MediaKind, MediaSource, NewConsumer, NotificationData, NotificationName } from '../../../shared/protocol';
import { HostError } from '../errors';
import type { Logger } from '../logger';
import type { ConsumerAppData, Peer, ProducerAppData } from '../Peer';
import type { WorkerPool } from '../WorkerPool';
import { clampEncodings } from '../security/mediaLimits';
import { createConsumer } from './ConsumerFactory';
import { ConsumerOffers, type ConsumerOffersOptions } from './ConsumerOffers';
import { Forwarding } from './Forwarding';
import type { MediaGraphRehome } from './MediaGraphRehome';
import type { PipeValve } from './PipeDemand';
import { RoomRouters, type RoomRouter } from './RoomRouters';
import { SpeakerTracker } from './SpeakerTracker';
import { scoreReportsFor } from './ScoreReports';
import { BandwidthPriority } from './BandwidthPriority';

export interface ScaleOptions {
  /** A room's home worker takes new participants until it forwards this many consumers. */
  workerMaxConsumers: number;
  /** Audio is forwarded from this many most recent speakers in a selective room. */
  lastN: number;
  /** Rooms of this many participants or more forward selectively. */
  lastNMinPeers: number;
}

export interface ProduceRequest {
  transportId: string;
  kind: MediaKind;
  rtpParameters: types.RtpParameters;
  source: MediaSource;
  paused?: boolean;
}

export const defaultScaleOptions: ScaleOptions = { workerMaxConsumers: 400, lastN: 4, lastNMinPeers: 12 };

/** What the media graph needs of its room. */
export interface MediaGraphRoom {
  readonly peers: ReadonlyMap<string, Peer>;
  broadcast<N extends NotificationName>(name: N, data: NotificationData<N>, exceptPeerId?: string): void;
}

/**
 * A room's media: its routers (one per worker it spans, pipes between them), who speaks, and which
 * consumers forward (selective above a size). Producers and consumers of a participant live on the
 * router its transports were placed on.
 */
export class MediaGraph {
  readonly routers: RoomRouters;
  readonly speakers: SpeakerTracker;
  readonly forwarding: Forwarding;
  readonly offers: ConsumerOffers;
  readonly priority: BandwidthPriority;
  /**
   * Producers of participants served by other nodes of a cluster (a room spanning nodes), piped into
   * this node's home router: consumed by local participants as if local. Keyed by producer id.
   */
  readonly remoteProducers = new Map<string, { peerId: string; producer: types.Producer<ProducerAppData> }>();
  /** Told of every local producer (a room spanning nodes announces it to the other nodes). */
  onLocalProducer?: (peer: Peer, producer: types.Producer<ProducerAppData>) => void;
  readonly #room: MediaGraphRoom;
  readonly #logger: Logger;
  /** Participants of the meeting served by other nodes (a room spanning nodes): the forwarding policy counts the whole meeting. */
  #remotePeers = 0;

  constructor(
    room: MediaGraphRoom,
    home: MediaGraphRehome,
    options: { pool?: WorkerPool; scale: ScaleOptions; logger: Logger; offers?: Partial<ConsumerOffersOptions> },
  ) {
    this.#room = room;
    this.#logger = options.logger;
    this.speakers = new SpeakerTracker(options.scale.lastN, options.logger);
    // Forwarding starts once the client has its side of the consumer: before that, the first keyframe would be lost.
    this.offers = new ConsumerOffers(
      { taken: (consumer) => this.forwarding.delivered(consumer), renew: (peer, consumer, attempt) => void this.#renew(peer, consumer, attempt) },
      options.logger,
      options.offers,
    );
    this.routers = new RoomRouters(home, {
      pool: options.pool,
      workerMaxConsumers: options.scale.workerMaxConsumers,
      producerCount: () => {
        let count = 0;
        for (const peer of room.peers.values()) count += peer.producers.size;
        return count;
      },
      onRouterOpened: (router) => this.speakers.observe(router),
      logger: options.logger,
    });
    this.forwarding = new Forwarding(this.speakers, { minPeers: options.scale.lastNMinPeers, pipes: this.routers.demand }, options.logger);
    this.priority = new BandwidthPriority(options.logger);
    this.speakers.on('dominant', (peerId) => {
      room.broadcast('activeSpeaker', { peerId });
      this.priority.speakerChanged(peerId, this.#allConsumers());
    });
    this.speakers.on('recentChanged', () => {
      if (this.forwarding.selective) this.forwarding.applyAll(this.#allConsumers());
    });
  }

  /** Speaker observers on a (new) home router. */
  observeHome(router: types.Router): Promise<void> {
    return this.speakers.observe(router);
  }

  /** Places a newcomer and creates its transports there. */
  async createTransports(peerId: string): Promise<{ transports: [types.WebRtcTransport, types.WebRtcTransport]; placed: RoomRouter }> {
    const placed = await this.routers.place();
    try {
      return { transports: await this.routers.createTransports(peerId, placed), placed };
    } catch (error) {
      this.routers.release(placed);
      throw error;
    }
  }

  peerJoined(peer: Peer, placed: RoomRouter): void {
    this.routers.attach(peer, placed);
    this.#sizeChanged();
  }

  /** A join that got transports but not in. */
  abandon(placed: RoomRouter): void {
    this.routers.release(placed);
  }

  /** A participant's media ended; true when its router died under it (it must rejoin). */
  peerLeft(peer: Peer): boolean {
    this.speakers.forget(peer.id);
    const routerDied = this.routers.detach(peer);
    this.#sizeChanged();
    return routerDied;
  }

  /** How many participants of the meeting other nodes serve (RoomSpan). */
  setRemotePeers(count: number): void {
    this.#remotePeers = count;
    this.#sizeChanged();
  }

  #sizeChanged(): void {
    if (this.forwarding.setRoomSize(this.#room.peers.size + this.#remotePeers)) this.forwarding.applyAll(this.#allConsumers());
  }

  *#allConsumers(): Iterable<types.Consumer<ConsumerAppData>> {
    for (const peer of this.#room.peers.values()) yield* peer.consumers.values();
  }

  #routerOf(peer: Peer): types.Router {
    const placed = this.routers.routerOf(peer);
    if (!placed) throw new HostError('not_found', 'participant left');
    return placed.router;
  }

  async produce(peer: Peer, request: ProduceRequest): Promise<types.Producer<ProducerAppData>> {
    if (peer.sendTransport.id !== request.transportId) {
      const owned = Boolean(peer.transport(request.transportId));
      throw owned ? new HostError('bad_request', 'produce on the send transport') : new HostError('unauthorized', 'not your transport');
    }
    const expectedKind: MediaKind = request.source === 'mic' || request.source === 'screen-audio' ? 'audio' : 'video';
    if (request.kind !== expectedKind) throw new HostError('bad_request', `${request.source} must be ${expectedKind}`);
    const rtpParameters = clampEncodings(request.source, request.rtpParameters);
    // Claimed before the await: concurrent produce requests cannot exceed the caps.
    const release = peer.claimSource(request.source);
    try {
      const producer = await peer.sendTransport.produce<ProducerAppData>({
        kind: request.kind,
        rtpParameters,
        paused: request.paused ?? false,
        appData: { peerId: peer.id, source: request.source },
      });
      if (peer.closed) {
        producer.close();
        throw new HostError('not_found', 'participant left');
      }
      peer.addProducer(producer);
      producer.observer.once('close', () => this.#room.broadcast('producerClosed', { peerId: peer.id, producerId: producer.id }, peer.id));
      if (producer.kind === 'audio' && request.source === 'mic') await this.speakers.addMic(this.#routerOf(peer), producer);
      for (const other of this.#room.peers.values()) if (other !== peer) void this.#consumeLate(other, peer.id, producer, this.routers.routerOf(peer));
      this.onLocalProducer?.(peer, producer);
      return producer;
    } finally {
      release();
    }
  }

  /** Pauses or resumes a participant's producer (its own request, or the host's mute) and tells the room. */
  setProducerPaused(peer: Peer, producer: types.Producer<ProducerAppData>, paused: boolean): void {
    (paused ? producer.pause() : producer.resume()).catch((error: unknown) => this.#logger.warn({ err: error }, 'producer pause/resume failed'));
    this.#room.broadcast(paused ? 'producerPaused' : 'producerResumed', { peerId: peer.id, producerId: producer.id }, peer.id);
  }

  /**
   * A producer of a participant on another node, piped into the home router: observed for speakers
   * and consumed by every local participant (offered like a late producer). `valve`: what lets its
   * media in, closed while nobody here forwards it.
   */
  async addRemoteProducer(peerId: string, producer: types.Producer<ProducerAppData>, valve?: PipeValve): Promise<void> {
    this.remoteProducers.set(producer.id, { peerId, producer });
    if (valve) this.routers.addRemoteValve(valve);
    producer.observer.once('close', () => this.remoteProducers.delete(producer.id));
    const home = this.routers.home;
    if (producer.kind === 'audio' && producer.appData.source === 'mic') await this.speakers.addMic(home.router, producer);
    for (const peer of this.#room.peers.values()) void this.#consumeLate(peer, peerId, producer, home);
  }

  /** A consumer of `producer` (on `from`) on `consumerPeer`'s router, piping the producer there first if needed. */
  async #createConsumer(consumerPeer: Peer, producerPeerId: string, producer: types.Producer<ProducerAppData>, from: RoomRouter | undefined, paused: boolean) {
    const to = this.routers.routerOf(consumerPeer);
    if (!from || !to || consumerPeer.consumedProducerIds.has(producer.id)) return undefined;
    try {
      await this.routers.ensureOn(producer, from.router, to.router);
    } catch (error) {
      if (!producer.closed && !consumerPeer.closed) this.#logger.warn({ err: error, producerId: producer.id }, 'could not pipe producer to router');
      return undefined;
    }
    const created = await createConsumer(to.router, consumerPeer, producerPeerId, producer, paused, this.#logger);
    if (!created) return undefined;
    void this.priority.apply(created.consumer);
    // Not awaited: a pipe's pause may be a request to another node, and a join answer must not wait on it (the reader is registered at once).
    void this.routers.trackConsumer(created.consumer, to.router);
    return created;
  }

  /**
   * Consumers for a late producer: created paused, held by the forwarding policy, and offered to the
   * client (batched per receiver); they forward (as the policy says) once the client took them.
   */
  async #consumeLate(consumerPeer: Peer, producerPeerId: string, producer: types.Producer<ProducerAppData>, from: RoomRouter | undefined): Promise<void> {
    const created = await this.#createConsumer(consumerPeer, producerPeerId, producer, from, true);
    if (!created) return;
    this.forwarding.hold(created.consumer);
    this.offers.offer(consumerPeer, created.consumer);
  }

  /**
   * Join-answer consumers the client could not take: held (paused, so no RTP reaches a client that
   * has no consumer for it) and offered again. Ids that are not the peer's own consumers are ignored.
   */
  reoffer(peer: Peer, consumerIds: readonly string[], renew: readonly string[] = []): void {
    const renewed = new Set(renew);
    for (const id of new Set(consumerIds)) {
      const consumer = peer.consumers.get(id);
      if (!consumer || consumer.closed) continue;
      if (renewed.has(id)) {
        void this.#renew(peer, consumer, 1);
        continue;
      }
      this.forwarding.hold(consumer);
      void this.forwarding.apply(consumer).catch(() => undefined);
      this.offers.offer(peer, consumer);
    }
  }

  /**
   * Replaces a consumer the client can no longer take (a consume of it failed after its media
   * section was added there: its mid again would appear twice) with a new consumer of the same
   * producer, which gets a new mid, offered as `attempt`.
   */
  async #renew(peer: Peer, consumer: types.Consumer<ConsumerAppData>, attempt: number): Promise<void> {
    const source = this.#sourceOf(consumer.producerId);
    consumer.close();
    peer.channel.notify('consumerClosed', { consumerId: consumer.id });
    if (!source || peer.closed) return;
    const created = await this.#createConsumer(peer, source.peerId, source.producer, source.from, true);
    if (!created) return;
    this.forwarding.hold(created.consumer);
    this.offers.offer(peer, created.consumer, attempt);
  }

  /** A producer of the room by id (a participant's here, or one piped in from another node), with its router. */
  #sourceOf(producerId: string): { peerId: string; producer: types.Producer<ProducerAppData>; from: RoomRouter | undefined } | undefined {
    for (const other of this.#room.peers.values()) {
      const producer = other.producers.get(producerId);
      if (producer) return { peerId: other.id, producer, from: this.routers.routerOf(other) };
    }
    const remote = this.remoteProducers.get(producerId);
    return remote && { ...remote, from: this.routers.home };
  }

  /**
   * Consumers for everything already in the room, for the join answer. Those the policy forwards
   * start unpaused: no RTP can reach the client before it connects its receive transport, which it
   * does only after creating these consumers, and mediasoup asks for a keyframe on connect.
   * `held`: the receive transport may be connected already (prepared in the lobby), so every
   * consumer starts paused and waits for the client's `consumersTaken` (`taken`).
   */
  async consumeExisting(peer: Peer, options: { held?: boolean } = {}): Promise<NewConsumer[]> {
    const held = options.held === true;
    const consume = async (producerPeerId: string, producer: types.Producer<ProducerAppData>, from: RoomRouter | undefined) => {
      const created = await this.#createConsumer(peer, producerPeerId, producer, from, held || !this.forwarding.wants(undefined, producer.kind, producerPeerId));
      // At once, before any policy change could resume it.
      if (created && held) this.forwarding.hold(created.consumer);
      return created;
    };
    const pending = [];
    for (const other of this.#room.peers.values()) {
      if (other === peer) continue;
      for (const producer of other.producers.values()) pending.push(consume(other.id, producer, this.routers.routerOf(other)));
    }
    for (const { peerId, producer } of this.remoteProducers.values()) pending.push(consume(peerId, producer, this.routers.home));
    const created = await Promise.all(pending);
    return created.flatMap((c) => (c ? [c.announcement] : []));
  }

  /** The client took these held join-answer consumers: they forward as the policy says. Others' ids are ignored. */
  taken(peer: Peer, consumerIds: readonly string[]): void {
    for (const id of new Set(consumerIds)) {
      const consumer = peer.consumers.get(id);
      if (!consumer || consumer.closed) continue;
      scoreReportsFor(peer).taken(id);
      void this.forwarding.delivered(consumer).catch(() => undefined);
    }
  }

  /** The client paused or resumed one of its consumers (a tile hidden or shown, a pin). */
  async setConsumerPausedByClient(consumer: types.Consumer<ConsumerAppData>, paused: boolean): Promise<void> {
    try {
      await this.forwarding.setClientChoice(consumer, paused);
    } catch (error) {
      // Closed in the worker meanwhile (its producer or transport went): the client's request is moot, not a host failure.
      if (consumer.closed || (error as Error).name === 'NotFoundError') throw new HostError('not_found', 'that stream has ended');
      throw error;
    }
  }

  close(): void {
    this.remoteProducers.clear();
    this.offers.close();
    this.speakers.close();
    this.routers.close();
  }
}
