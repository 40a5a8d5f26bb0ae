import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import { limits } from '../../shared/limits';
import type { ChatMessage, NotificationData, NotificationName, PeerInfo } from '../../shared/protocol';
import { HostError } from './errors';
import type { Logger } from './logger';
import { Peer, type PeerCloseCause, type ProducerAppData } from './Peer';
import type { PoolSlot, WorkerPool } from './WorkerPool';
import { Admission, passcodeMatcher, type AdmissionChange } from './room/Admission';
import { ChatHistory } from './room/ChatHistory';
import { HostRole } from './room/HostRole';
import { MediaGraph, defaultScaleOptions, type ProduceRequest, type ScaleOptions } from './room/MediaGraph';
import { MediaGraphRehome } from './room/MediaGraphRehome';
import { PreparedTransports } from './room/PreparedTransports';
import { PeerDepartures, type DepartureDeps } from './room/PeerDepartures';
import { owned } from './room/ownership';
import type { RoomSpanHooks } from './cluster/RoomSpanHooks';
import type { PasscodeGuard } from './security/PasscodeGuard';
import type { JoinOptions, JoinResult } from './room/joining';

export type RoomCloseCause = 'idle' | 'host_stopped' | 'rehome_failed';

type RoomEvents = {
  /** No participant is in the room and no join is in progress (it may be kept for a grace period). */
  empty: [];
  close: [cause: RoomCloseCause];
  /** The host changed who may enter (lock, passcode, waiting room) here: a cluster replicates it. `passcode`: the new one, if that changed. */
  admissionChanged: [change: { passcode?: string | null }];
};

export interface RoomDeps {
  logger: Logger;
  passcodeGuard: PasscodeGuard;
  resumeWindowMs: number;
  /** Workers a room may spread over (absent: one router per room). */
  pool?: WorkerPool;
  scale?: Partial<ScaleOptions>;
}

/** What a meeting is besides its media: kept when a room has to be recreated after losing its worker. */
export interface MeetingState {
  admission: Admission;
  hostRole: HostRole;
  chat: ChatHistory;
}

export type { JoinOptions, JoinResult };

const CLOSE_MESSAGES: Record<RoomCloseCause, string> = {
  idle: 'the meeting ended',
  host_stopped: 'the host stopped hosting this meeting',
  rehome_failed: 'the media server failed and the meeting could not be restored',
};

/**
 * One meeting: a facade over its admission (lock, passcode, resume tokens), host role, chat
 * history and media graph on one router. Meeting state outlives a router, so a room can move to a
 * replacement worker when its worker dies.
 */
export class Room extends EventEmitter<RoomEvents> {
  readonly id: string;
  readonly createdAt = Date.now();
  readonly peers = new Map<string, Peer>();
  readonly #admission: Admission;
  readonly #hostRole: HostRole;
  readonly #chat: ChatHistory;
  readonly #rehome: MediaGraphRehome;
  readonly #media: MediaGraph;
  readonly #departures: PeerDepartures;
  /** Participants other than the host may record (see recording.ts). */
  recordingAllowed = false;
  /** Clustered, the meeting spanning nodes: the other nodes' participants and the meeting's home (cluster/RoomSpan). */
  span?: RoomSpanHooks;
  readonly #logger: Logger;
  #leases = 0;
  #everOccupied = false;
  #closed = false;

  private constructor(id: string, rehome: MediaGraphRehome, deps: RoomDeps, state?: MeetingState) {
    super();
    this.id = id;
    this.#logger = deps.logger.child({ roomId: id });
    this.#admission = state?.admission ?? new Admission(id, deps.passcodeGuard, deps.resumeWindowMs);
    this.#hostRole = state?.hostRole ?? new HostRole();
    this.#chat = state?.chat ?? new ChatHistory(limits.chatHistorySize, limits.chatHistoryBytes);
    this.#everOccupied = state !== undefined;
    this.#rehome = rehome;
    this.#media = new MediaGraph(this, rehome, { pool: deps.pool, scale: { ...defaultScaleOptions, ...deps.scale }, logger: this.#logger });
    const broadcast: DepartureDeps['broadcast'] = (name, data, except) => this.broadcast(name, data, except);
    this.#departures = new PeerDepartures({ peers: this.peers, tokens: this.#admission.tokens, hostRole: this.#hostRole, broadcast, logger: this.#logger });
  }

  /** A new room, or — with `state` — the same meeting (lock, passcode, host, tokens, chat) on a new router. */
  static async create(id: string, router: types.Router, slot: PoolSlot, deps: RoomDeps, state?: MeetingState): Promise<Room> {
    const room = new Room(id, new MediaGraphRehome(router, slot), deps, state);
    await room.#media.observeHome(router);
    return room;
  }

  get closed(): boolean {
    return this.#closed;
  }
  get router(): types.Router {
    return this.#rehome.router;
  }
  get slot(): PoolSlot {
    return this.#rehome.slot;
  }
  get hostPeerId(): string | null {
    return this.#hostRole.peerId;
  }
  get hasPasscode(): boolean {
    return this.#admission.hasPasscode;
  }
  get locked(): boolean {
    return this.#admission.locked;
  }
  get chat(): readonly ChatMessage[] {
    return this.#chat.messages;
  }
  /** Nobody is in the room and nobody is on the way in. */
  get idle(): boolean {
    return this.peers.size === 0 && this.#leases === 0 && this.#admission.joinsInProgress === 0;
  }
  /** Someone has been in this room (so someone may come back to it). */
  get everOccupied(): boolean {
    return this.#everOccupied;
  }

  /** Keeps the room from closing while a request uses it; call the returned function when done. */
  lease(): () => void {
    this.#leases++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#leases--;
    };
  }
  /** True between the loss of this room's worker and its move to the replacement. */
  get awaitingRehome(): boolean {
    return this.#rehome.waiting && !this.#closed;
  }

  // -------------------------------------------------------------------------------------------
  // Joining and leaving
  // -------------------------------------------------------------------------------------------

  async join(options: JoinOptions & { address: string }): Promise<JoinResult> {
    if (this.#closed) throw new HostError('not_found', 'this meeting has ended');
    const byHome = await this.span?.admit(options);
    const ticket = await this.#admission.admit(
      { address: options.address, passcode: options.passcode, resumeToken: options.resumeToken, asOwner: options.asOwner === true, displayName: options.displayName, channel: options.channel, byHome, departed: options.departed },
      () => this.peers.size,
    );
    try {
      if (this.awaitingRehome) await this.#rehome.wait(15_000);
      const peerId = ticket.resumed?.peerId ?? randomUUID();
      const adoptedPrepared = options.prepared?.roomId === this.id && options.prepared.usable;
      const { transports, placed } = adoptedPrepared ? options.prepared!.adopt(peerId) : await this.#media.createTransports(peerId);
      const [sendTransport, recvTransport] = transports;
      try {
        if (this.#closed) throw new HostError('not_found', 'this meeting has ended');
        if (options.departed?.aborted) throw new HostError('not_joined', 'disconnected during join');
        // Locked while this newcomer waited for its transports: the lock wins (over all but the host's own admission).
        if (!ticket.asOwner && !ticket.resumed && !ticket.letIn) this.#admission.assertOpen();
      } catch (error) {
        sendTransport.close();
        recvTransport.close();
        this.#media.abandon(placed);
        throw error;
      }
      // The same participant on a new connection (a reconnect that beat the old one's timeout).
      const previous = this.peers.get(peerId);
      if (previous) {
        previous.channel.notify('peerKicked', { reason: 'you joined this meeting from another connection' });
        previous.close('replaced');
      }
      const peer = new Peer({ id: peerId, displayName: options.displayName, channel: options.channel, rtpCapabilities: options.rtpCapabilities, sendTransport, recvTransport });
      const isHost = this.#decideHost(peer, ticket.asOwner, ticket.resumed?.wasHost === true);
      const resumeToken = this.#admission.complete(ticket, peerId);
      this.peers.set(peerId, peer);
      this.#departures.resumed(peerId);
      this.#media.peerJoined(peer, placed);
      this.#everOccupied = true;
      peer.once('close', (cause) => this.#onPeerClosed(peer, cause));
      this.broadcast('peerJoined', peer.info(isHost), peer.id);
      this.#logger.info({ peerId, peers: this.peers.size, resumed: Boolean(ticket.resumed), isHost }, 'peer joined');
      return { peer, isHost, resumeToken, adoptedPrepared };
    } catch (error) {
      this.#admission.abort(ticket);
      throw error;
    } finally {
      options.prepared?.release();
    }
  }

  /** Transports for a lobby connection on the router a join would use now (`prepareTransports`). */
  async prepareTransports(): Promise<PreparedTransports> {
    if (this.#closed) throw new HostError('not_found', 'this meeting has ended');
    const { transports, placed } = await this.#media.createTransports('');
    return new PreparedTransports({ roomId: this.id, placed, send: transports[0], recv: transports[1], release: (at) => this.#media.abandon(at) });
  }

  #decideHost(peer: Peer, asOwner: boolean, wasHost: boolean): boolean {
    if (!asOwner && !wasHost && !this.#hostRole.is(peer.id)) return false;
    const previous = this.#hostRole.assign(peer.id);
    if (previous && this.peers.has(previous)) this.broadcast('peerUpdated', { peerId: previous, isHost: false });
    return true;
  }

  peerInfos(except?: Peer): PeerInfo[] {
    return [...[...this.peers.values()].filter((p) => p !== except).map((p) => p.info(this.#hostRole.is(p.id))), ...this.#departures.reconnecting, ...(this.span?.remoteInfos() ?? [])];
  }

  #onPeerClosed(peer: Peer, cause: PeerCloseCause): void {
    if (this.peers.get(peer.id) !== peer) return;
    this.peers.delete(peer.id);
    const routerDied = this.#media.peerLeft(peer);
    if (this.#departures.peerClosed(peer, cause, this.awaitingRehome || routerDied) && this.idle) this.emit('empty');
  }

  // -------------------------------------------------------------------------------------------
  // Media
  // -------------------------------------------------------------------------------------------

  produce(peer: Peer, request: ProduceRequest): Promise<types.Producer<ProducerAppData>> {
    return this.#media.produce(peer, request);
  }

  setProducerPaused(peer: Peer, producerId: string, paused: boolean): void {
    this.#media.setProducerPaused(peer, this.#ownProducer(peer, producerId), paused);
  }

  closeProducer(peer: Peer, producerId: string): void {
    this.#ownProducer(peer, producerId).close();
  }

  ownConsumer(peer: Peer, consumerId: string) {
    return owned(peer.consumers.get(consumerId), this.peers.values(), (p) => p.consumers.has(consumerId), 'consumer');
  }

  /** The client hid or showed a tile, or pinned one: honoured through the room's forwarding policy. */
  setConsumerPaused(peer: Peer, consumerId: string, paused: boolean): Promise<void> {
    return this.#media.setConsumerPausedByClient(this.ownConsumer(peer, consumerId), paused);
  }

  ownTransport(peer: Peer, transportId: string): types.WebRtcTransport {
    return owned(peer.transport(transportId), this.peers.values(), (p) => Boolean(p.transport(transportId)), 'transport');
  }

  #ownProducer(peer: Peer, producerId: string): types.Producer<ProducerAppData> {
    return owned(peer.producers.get(producerId), this.peers.values(), (p) => p.producers.has(producerId), 'producer');
  }

  /** The room's media graph (routers across workers, pipes, speakers, forwarding): stats and tests. */
  get media(): MediaGraph {
    return this.#media;
  }

  // -------------------------------------------------------------------------------------------
  // Meeting features
  // -------------------------------------------------------------------------------------------

  /** `ciphertext`: an end-to-end encrypted message (kept and relayed as it is; the host cannot read it). */
  addChat(peer: Peer, text: string, ciphertext?: string): ChatMessage {
    const message: ChatMessage = { id: randomUUID(), peerId: peer.id, displayName: peer.displayName, text, sentAt: Date.now(), ...(ciphertext === undefined ? {} : { ciphertext }) };
    this.#chat.add(message);
    this.broadcast('chatMessage', message, peer.id);
    return message;
  }

  setHand(peer: Peer, raised: boolean): void {
    if (peer.handRaised === raised) return;
    peer.handRaised = raised;
    this.broadcast('handRaised', { peerId: peer.id, raised }, peer.id);
  }

  rename(peer: Peer, displayName: string): void {
    if (peer.displayName === displayName) return;
    peer.displayName = displayName;
    this.broadcast('peerUpdated', { peerId: peer.id, displayName }, peer.id);
  }

  // -------------------------------------------------------------------------------------------
  // Host controls
  // -------------------------------------------------------------------------------------------

  assertHost(peer: Peer): void {
    if (!this.#hostRole.is(peer.id)) throw new HostError('unauthorized', 'only the host can do that');
  }

  mutePeer(host: Peer, peerId: string): void {
    this.assertHost(host);
    if (!this.peers.has(peerId) && this.span?.holds(peerId)) return this.span.command('mute', host, peerId);
    const target = this.#peerOrThrow(peerId);
    const mic = target.producerBySource('mic');
    if (!mic) throw new HostError('not_found', 'that participant has no microphone');
    if (!mic.paused) this.#media.setProducerPaused(target, mic, true);
    this.broadcast('peerMuted', { peerId: target.id, producerId: mic.id, byPeerId: host.id });
  }

  removePeer(host: Peer, peerId: string): Peer | undefined {
    this.assertHost(host);
    if (!this.peers.has(peerId) && this.span?.holds(peerId)) return void this.span.command('remove', host, peerId);
    const target = this.#peerOrThrow(peerId);
    if (target === host) throw new HostError('bad_request', 'use leave to leave your own meeting');
    target.channel.notify('peerKicked', { reason: `removed by ${host.displayName}` });
    target.close('kicked');
    target.channel.disconnect();
    return target;
  }

  setLocked(host: Peer, locked: boolean): void {
    this.assertHost(host);
    this.applyAdmission({ locked });
    this.broadcast('roomLocked', { locked });
    this.emit('admissionChanged', {});
  }

  setPasscode(host: Peer, passcode: string | null): void {
    this.assertHost(host);
    this.applyAdmission({ passcode: passcodeMatcher(passcode) });
    this.emit('admissionChanged', { passcode });
  }

  /** Who may enter changed, here or on another node of the cluster (see Admission.change). */
  applyAdmission(change: AdmissionChange): void {
    if (this.#admission.change(change, new Set(this.peers.keys()))) this.#departures.forgetReconnecting();
  }

  /** Participants whose connection dropped, listed as reconnecting (a cluster's other nodes list them too). */
  get departures(): PeerDepartures {
    return this.#departures;
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
    this.span?.relay(name, data, exceptPeerId);
  }

  /**
   * The worker under this room died. Every peer's media state went with it (their transports
   * closed, so they were asked to rejoin with their tokens); move to a fresh router. Meeting state
   * (chat, lock, passcode, host) stays.
   */
  async rehome(router: types.Router, slot: PoolSlot): Promise<void> {
    await this.#media.observeHome(router);
    this.#rehome.moveTo(router, slot);
    if (this.idle) this.emit('empty');
  }

  /** The meeting's state, for a room that replaces this one (see RoomRegistry). */
  get meetingState(): MeetingState {
    return { admission: this.#admission, hostRole: this.#hostRole, chat: this.#chat };
  }

  close(cause: RoomCloseCause): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.peers.values()) {
      peer.channel.notify('meetingEnded', { reason: CLOSE_MESSAGES[cause] });
      peer.close('room_closed');
    }
    this.peers.clear();
    this.#departures.close();
    this.#media.close();
    this.#rehome.close(new HostError('not_found', CLOSE_MESSAGES[cause]));
    this.#logger.info({ cause }, 'room closed');
    this.emit('close', cause);
    this.removeAllListeners();
  }
}
