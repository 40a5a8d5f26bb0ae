import { EventEmitter } from 'node:events';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { types } from 'mediasoup';
import { limits } from '../../shared/limits';
import type { ChatMessage, MediaKind, MediaSource, NewConsumer, NotificationData, NotificationName, PeerInfo } from '../../shared/protocol';
import { HostError } from './errors';
import type { Logger } from './logger';
import { Peer, type ConsumerAppData, type PeerChannel, type ProducerAppData } from './Peer';
import type { PoolSlot } from './WorkerPool';

type RoomEvents = {
  /** The room has no peers left (it may still be kept for a short grace period). */
  empty: [];
  close: [];
};

interface ResumeRecord {
  peerId: string;
}

export interface JoinOptions {
  displayName: string;
  channel: PeerChannel;
  rtpCapabilities: types.RtpCapabilities;
  passcode?: string;
  resumeToken?: string;
  /** The desktop app's own window: host of the room whoever created it. */
  asOwner?: boolean;
}

export interface JoinResult {
  peer: Peer;
  isHost: boolean;
  resumeToken: string;
}

/**
 * One meeting: a Router on one worker, its peers, and the meeting state that outlives a router
 * (passcode, lock, host, chat, resume tokens), so a room can move to a new worker when its worker dies.
 */
export class Room extends EventEmitter<RoomEvents> {
  readonly id: string;
  readonly createdAt = Date.now();
  readonly peers = new Map<string, Peer>();
  readonly chat: ChatMessage[] = [];
  locked = false;
  /** Participants other than the host may record (see recording.ts). */
  recordingAllowed = false;
  #passcode: string | null = null;
  #hostPeerId: string | null = null;
  readonly #resumeTokens = new Map<string, ResumeRecord>();
  #router: types.Router;
  #slot: PoolSlot;
  #speakerObserver: types.ActiveSpeakerObserver;
  readonly #logger: Logger;
  #closed = false;
  #rehomed?: { promise: Promise<void>; resolve: () => void };

  private constructor(id: string, router: types.Router, slot: PoolSlot, observer: types.ActiveSpeakerObserver, logger: Logger) {
    super();
    this.id = id;
    this.#router = router;
    this.#slot = slot;
    this.#speakerObserver = observer;
    this.#logger = logger.child({ roomId: id });
    this.#watchSpeakers();
  }

  static async create(id: string, router: types.Router, slot: PoolSlot, logger: Logger): Promise<Room> {
    const observer = await router.createActiveSpeakerObserver({ interval: 300 });
    return new Room(id, router, slot, observer, logger);
  }

  get closed(): boolean {
    return this.#closed;
  }
  get router(): types.Router {
    return this.#router;
  }
  get slot(): PoolSlot {
    return this.#slot;
  }
  get hostPeerId(): string | null {
    return this.#hostPeerId;
  }
  get hasPasscode(): boolean {
    return this.#passcode !== null;
  }

  // -------------------------------------------------------------------------------------------
  // Joining and leaving
  // -------------------------------------------------------------------------------------------

  /** Checks access; throws HostError. `resumeToken` skips lock and passcode: it proves an earlier admission. */
  admit(options: Pick<JoinOptions, 'passcode' | 'resumeToken' | 'asOwner'>): ResumeRecord | undefined {
    if (this.#closed) throw new HostError('not_found', 'this meeting has ended');
    const resumed = options.resumeToken ? this.#resumeTokens.get(options.resumeToken) : undefined;
    if (resumed || options.asOwner) return resumed;
    if (this.locked) throw new HostError('room_locked', 'the host has locked this meeting');
    if (this.#passcode !== null && !safeEqual(options.passcode ?? '', this.#passcode)) {
      throw new HostError('unauthorized', options.passcode ? 'wrong passcode' : 'this meeting needs a passcode');
    }
    if (this.peers.size >= limits.maxPeersPerRoom) throw new HostError('room_full', `this meeting is full (${limits.maxPeersPerRoom} participants)`);
    return undefined;
  }

  async join(options: JoinOptions): Promise<JoinResult> {
    const resumed = this.admit(options);
    if (this.awaitingRehome) await withTimeout(this.#waitForRehome(), 15_000, 'the media server is restarting; try again');
    const webRtcServer = this.#slot.webRtcServer;
    const peerId = resumed?.peerId ?? randomUUID();
    // A resumed participant whose old connection is still here (a reconnect that beat the disconnect): replace it.
    this.peers.get(peerId)?.close();

    const transportOptions: types.WebRtcTransportOptions = {
      webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      enableSctp: true,
      appData: { peerId },
    };
    const [send, recv] = await Promise.allSettled([
      this.#router.createWebRtcTransport(transportOptions),
      this.#router.createWebRtcTransport(transportOptions),
    ]);
    if (send.status === 'rejected' || recv.status === 'rejected') {
      for (const result of [send, recv]) if (result.status === 'fulfilled') result.value.close();
      throw send.status === 'rejected' ? send.reason : (recv as PromiseRejectedResult).reason;
    }
    const sendTransport = send.value;
    const recvTransport = recv.value;
    if (this.#closed) {
      sendTransport.close();
      recvTransport.close();
      throw new HostError('not_found', 'this meeting has ended');
    }

    const peer = new Peer({
      id: peerId,
      displayName: options.displayName,
      channel: options.channel,
      rtpCapabilities: options.rtpCapabilities,
      sendTransport,
      recvTransport,
    });
    // After a worker loss the host id is kept, so the host who rejoins is host again.
    const isHost = this.#hostPeerId === null || this.#hostPeerId === peerId || options.asOwner === true;
    if (isHost && this.#hostPeerId !== peerId) {
      const previous = this.#hostPeerId;
      this.#hostPeerId = peerId;
      if (previous && this.peers.has(previous)) this.broadcast('peerUpdated', { peerId: previous, isHost: false });
    }
    const resumeToken = randomBytes(24).toString('base64url');
    this.#resumeTokens.set(resumeToken, { peerId });

    this.peers.set(peerId, peer);
    peer.once('close', () => this.#onPeerClosed(peer));
    this.broadcast('peerJoined', peer.info(isHost), peer.id);
    this.#logger.info({ peerId, peers: this.peers.size, resumed: Boolean(resumed) }, 'peer joined');
    return { peer, isHost, resumeToken };
  }

  peerInfos(except?: Peer): PeerInfo[] {
    return [...this.peers.values()].filter((p) => p !== except).map((p) => p.info(p.id === this.#hostPeerId));
  }

  #onPeerClosed(peer: Peer): void {
    if (this.peers.get(peer.id) !== peer) return;
    if (this.awaitingRehome) {
      // The worker died under this peer (its router closed, the room did not).
      this.#strand(peer);
      return;
    }
    this.peers.delete(peer.id);
    this.broadcast('peerLeft', { peerId: peer.id });
    this.#logger.info({ peerId: peer.id, peers: this.peers.size }, 'peer left');
    if (this.#hostPeerId === peer.id) {
      // The longest-present participant inherits the host role; the old host may reclaim it on resume.
      const next = [...this.peers.values()].sort((a, b) => a.joinedAt - b.joinedAt)[0];
      this.#hostPeerId = next?.id ?? null;
      if (next) this.broadcast('peerUpdated', { peerId: next.id, isHost: true });
    }
    if (this.peers.size === 0) this.emit('empty');
  }

  // -------------------------------------------------------------------------------------------
  // Media
  // -------------------------------------------------------------------------------------------

  async produce(
    peer: Peer,
    request: { transportId: string; kind: MediaKind; rtpParameters: types.RtpParameters; source: MediaSource; paused?: boolean },
  ): Promise<types.Producer<ProducerAppData>> {
    if (peer.sendTransport.id !== request.transportId) {
      throw peer.transport(request.transportId)
        ? new HostError('bad_request', 'produce on the send transport')
        : new HostError('unauthorized', 'not your transport');
    }
    if (peer.producers.size >= limits.maxProducersPerPeer) throw new HostError('limit_exceeded', `at most ${limits.maxProducersPerPeer} producers per participant`);
    if (peer.producerBySource(request.source)) throw new HostError('limit_exceeded', `already sending ${request.source}`);
    const expectedKind: MediaKind = request.source === 'mic' || request.source === 'screen-audio' ? 'audio' : 'video';
    if (request.kind !== expectedKind) throw new HostError('bad_request', `${request.source} must be ${expectedKind}`);

    const producer = await peer.sendTransport.produce<ProducerAppData>({
      kind: request.kind,
      rtpParameters: request.rtpParameters,
      paused: request.paused ?? false,
      appData: { peerId: peer.id, source: request.source },
    });
    if (peer.closed) {
      producer.close();
      throw new HostError('not_found', 'participant left');
    }
    peer.addProducer(producer);
    producer.observer.once('close', () => this.broadcast('producerClosed', { peerId: peer.id, producerId: producer.id }, peer.id));
    if (producer.kind === 'audio' && request.source === 'mic') {
      await this.#speakerObserver.addProducer({ producerId: producer.id }).catch(() => undefined);
    }
    for (const other of this.peers.values()) if (other !== peer) void this.#consume(other, peer, producer);
    return producer;
  }

  setProducerPaused(peer: Peer, producerId: string, paused: boolean): void {
    const producer = this.#ownProducer(peer, producerId);
    void (paused ? producer.pause() : producer.resume());
    this.broadcast(paused ? 'producerPaused' : 'producerResumed', { peerId: peer.id, producerId }, peer.id);
  }

  closeProducer(peer: Peer, producerId: string): void {
    this.#ownProducer(peer, producerId).close();
  }

  ownConsumer(peer: Peer, consumerId: string): types.Consumer<ConsumerAppData> {
    const consumer = peer.consumers.get(consumerId);
    if (consumer) return consumer;
    throw this.#ownedByOther((p) => p.consumers.has(consumerId)) ? new HostError('unauthorized', 'not your consumer') : new HostError('not_found', 'no such consumer');
  }

  ownTransport(peer: Peer, transportId: string): types.WebRtcTransport {
    const transport = peer.transport(transportId);
    if (transport) return transport;
    throw this.#ownedByOther((p) => Boolean(p.transport(transportId))) ? new HostError('unauthorized', 'not your transport') : new HostError('not_found', 'no such transport');
  }

  #ownProducer(peer: Peer, producerId: string): types.Producer<ProducerAppData> {
    const producer = peer.producers.get(producerId);
    if (producer) return producer;
    throw this.#ownedByOther((p) => p.producers.has(producerId)) ? new HostError('unauthorized', 'not your producer') : new HostError('not_found', 'no such producer');
  }

  #ownedByOther(test: (peer: Peer) => boolean): boolean {
    for (const peer of this.peers.values()) if (test(peer)) return true;
    return false;
  }

  /**
   * Consumers for a late producer: created paused, announced with `newConsumer`, resumed once the
   * client acks (it must have the consumer before RTP arrives, or the first keyframe is lost).
   */
  async #consume(consumerPeer: Peer, producerPeer: Peer, producer: types.Producer<ProducerAppData>): Promise<void> {
    const created = await this.#createConsumer(consumerPeer, producerPeer, producer, true);
    if (!created) return;
    const { consumer, announcement } = created;
    try {
      await consumerPeer.channel.requestNewConsumer(announcement);
      if (!consumer.closed) await consumer.resume();
    } catch (error) {
      if (!consumer.closed) {
        this.#logger.warn({ peerId: consumerPeer.id, consumerId: consumer.id, err: (error as Error).message }, 'client did not take consumer; closing it');
        consumer.close();
      }
    }
  }

  /**
   * Consumers for everything already in the room, for the join answer. They start unpaused: no RTP
   * can reach the client before it connects its receive transport, which it does only after
   * creating these consumers, and mediasoup asks for a keyframe the moment that transport connects.
   * This saves the newConsumer/ack/resume round trips on the path to the first frame.
   */
  async consumeExisting(peer: Peer): Promise<NewConsumer[]> {
    const pending: Promise<{ announcement: NewConsumer } | undefined>[] = [];
    for (const other of this.peers.values()) {
      if (other === peer) continue;
      for (const producer of other.producers.values()) pending.push(this.#createConsumer(peer, other, producer, false));
    }
    const created = await Promise.all(pending);
    return created.flatMap((c) => (c ? [c.announcement] : []));
  }

  async #createConsumer(
    consumerPeer: Peer,
    producerPeer: Peer,
    producer: types.Producer<ProducerAppData>,
    paused: boolean,
  ): Promise<{ consumer: types.Consumer<ConsumerAppData>; announcement: NewConsumer } | undefined> {
    if (consumerPeer.closed || producer.closed || consumerPeer.consumedProducerIds.has(producer.id)) return undefined;
    if (!this.#router.canConsume({ producerId: producer.id, rtpCapabilities: consumerPeer.rtpCapabilities })) {
      this.#logger.warn({ peerId: consumerPeer.id, producerId: producer.id }, 'peer cannot consume producer (codec mismatch)');
      return undefined;
    }
    consumerPeer.consumedProducerIds.add(producer.id);
    let consumer: types.Consumer<ConsumerAppData>;
    try {
      consumer = await consumerPeer.recvTransport.consume<ConsumerAppData>({
        producerId: producer.id,
        rtpCapabilities: consumerPeer.rtpCapabilities,
        paused,
        appData: { peerId: consumerPeer.id, producerPeerId: producerPeer.id, source: producer.appData.source },
      });
    } catch (error) {
      consumerPeer.consumedProducerIds.delete(producer.id);
      if (!consumerPeer.closed && !producer.closed) this.#logger.warn({ err: (error as Error).message, peerId: consumerPeer.id }, 'consume failed');
      return undefined;
    }
    consumerPeer.addConsumer(consumer);
    const notify = consumerPeer.channel;
    consumer.on('producerclose', () => {
      notify.notify('consumerClosed', { consumerId: consumer.id });
      consumer.close();
    });
    consumer.on('layerschange', (layers) =>
      notify.notify('consumerLayersChanged', {
        consumerId: consumer.id,
        spatialLayer: layers?.spatialLayer ?? null,
        temporalLayer: layers?.temporalLayer ?? null,
      }),
    );
    consumer.on('score', (score) => notify.notify('consumerScore', { consumerId: consumer.id, score: score.score, producerScore: score.producerScore }));
    const announcement: NewConsumer = {
      consumerId: consumer.id,
      producerId: producer.id,
      peerId: producerPeer.id,
      kind: consumer.kind,
      source: producer.appData.source,
      rtpParameters: consumer.rtpParameters as never,
      producerPaused: consumer.producerPaused,
    };
    return { consumer, announcement };
  }

  // -------------------------------------------------------------------------------------------
  // Meeting features
  // -------------------------------------------------------------------------------------------

  addChat(peer: Peer, text: string): ChatMessage {
    const message: ChatMessage = { id: randomUUID(), peerId: peer.id, displayName: peer.displayName, text, sentAt: Date.now() };
    this.chat.push(message);
    if (this.chat.length > limits.chatHistorySize) this.chat.splice(0, this.chat.length - limits.chatHistorySize);
    this.broadcast('chatMessage', message, peer.id);
    return message;
  }

  setHand(peer: Peer, raised: boolean): void {
    peer.handRaised = raised;
    this.broadcast('handRaised', { peerId: peer.id, raised }, peer.id);
  }

  rename(peer: Peer, displayName: string): void {
    peer.displayName = displayName;
    this.broadcast('peerUpdated', { peerId: peer.id, displayName }, peer.id);
  }

  // -------------------------------------------------------------------------------------------
  // Host controls
  // -------------------------------------------------------------------------------------------

  assertHost(peer: Peer): void {
    if (this.#hostPeerId !== peer.id) throw new HostError('unauthorized', 'only the host can do that');
  }

  mutePeer(host: Peer, peerId: string): void {
    this.assertHost(host);
    const target = this.#peerOrThrow(peerId);
    const mic = target.producerBySource('mic');
    if (!mic) throw new HostError('not_found', 'that participant has no microphone');
    if (!mic.paused) {
      void mic.pause();
      this.broadcast('producerPaused', { peerId: target.id, producerId: mic.id }, target.id);
    }
    this.broadcast('peerMuted', { peerId: target.id, producerId: mic.id, byPeerId: host.id });
  }

  removePeer(host: Peer, peerId: string): Peer {
    this.assertHost(host);
    const target = this.#peerOrThrow(peerId);
    if (target === host) throw new HostError('bad_request', 'use leave to leave your own meeting');
    for (const [token, record] of this.#resumeTokens) if (record.peerId === peerId) this.#resumeTokens.delete(token);
    target.channel.notify('peerKicked', { reason: `removed by ${host.displayName}` });
    target.close();
    target.channel.disconnect();
    return target;
  }

  setLocked(host: Peer, locked: boolean): void {
    this.assertHost(host);
    this.locked = locked;
    this.broadcast('roomLocked', { locked });
  }

  setPasscode(host: Peer, passcode: string | null): void {
    this.assertHost(host);
    this.#passcode = passcode === '' ? null : passcode;
  }

  #peerOrThrow(peerId: string): Peer {
    const peer = this.peers.get(peerId);
    if (!peer) throw new HostError('not_found', 'no such participant');
    return peer;
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing
  // -------------------------------------------------------------------------------------------

  broadcast<N extends NotificationName>(name: N, data: NotificationData<N>, exceptPeerId?: string): void {
    for (const peer of this.peers.values()) if (peer.id !== exceptPeerId) peer.channel.notify(name, data);
  }

  #watchSpeakers(): void {
    this.#speakerObserver.on('dominantspeaker', ({ producer }) => {
      const peerId = (producer.appData as ProducerAppData).peerId;
      this.broadcast('activeSpeaker', { peerId });
    });
  }

  /**
   * The worker under this room died. Every peer's media state is gone with it; move to a fresh
   * router and ask the peers to join again (their resume tokens keep identity and admission; the
   * host id is kept so the host is host again). Meeting state (chat, lock, passcode) stays.
   */
  async rehome(router: types.Router, slot: PoolSlot): Promise<void> {
    for (const peer of [...this.peers.values()]) this.#strand(peer);
    this.#router.close();
    this.#router = router;
    this.#slot = slot;
    this.#speakerObserver = await router.createActiveSpeakerObserver({ interval: 300 });
    this.#watchSpeakers();
    this.#rehomed?.resolve();
    this.#rehomed = undefined;
    if (this.peers.size === 0) this.emit('empty');
  }

  /** True between the loss of this room's worker and its move to the replacement. */
  get awaitingRehome(): boolean {
    return this.#router.closed && !this.#closed;
  }

  /** Lost with its worker: tell the client to rejoin (same identity), but do not announce a departure. */
  #strand(peer: Peer): void {
    this.peers.delete(peer.id);
    peer.channel.notify('rejoinRequired', { reason: 'the media server restarted' });
    peer.close();
  }

  #waitForRehome(): Promise<void> {
    if (!this.#rehomed) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#rehomed = { promise, resolve };
    }
    return this.#rehomed.promise;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.#router.close();
    this.#logger.info('room closed');
    this.emit('close');
    this.removeAllListeners();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new HostError('internal', message)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
