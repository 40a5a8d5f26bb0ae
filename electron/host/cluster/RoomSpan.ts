import type { PrivateMessage } from '../../../shared/fileTransfer';
import { notifications, type NotificationData, type NotificationName, type PeerInfo } from '../../../shared/protocol';
import { HostError } from '../errors';
import type { Logger } from '../logger';
import type { Peer } from '../Peer';
import type { Room } from '../Room';
import type { ClusterBus } from './ClusterBus';
import type { MeetingSettings } from './MeetingSettings';
import { RELAYED, SpanMessage } from './spanMessages';
import { SpanPipes, type Ask, type PipeListen } from './SpanPipes';
import { SpanResume, tokenDigests } from './SpanResume';
import { deliverPrivate, definedOnly, executeHostControl, localProducer, producerInfo, replacedElsewhere } from './spanLocal';
import { SpanHost, type ListedRemote } from './SpanHost';
import { SpanFiles } from './SpanFiles';
import { SpanAdmission, type SpanJoin } from './SpanAdmission';
import type { RoomSpanHooks } from './RoomSpanHooks';

/** Rosters are re-sent this often: what a lost message left out converges. */
const ROSTER_INTERVAL_MS = 2_000;

export interface RoomSpanDeps {
  bus: ClusterBus;
  settings: Pick<MeetingSettings, 'rev' | 'reload'>;
  ask: Ask;
  listen: PipeListen;
  /** The meeting's home when it is another node (undefined: this node is home). */
  home: () => { id: string; url: string } | undefined;
  /** Tries to become the meeting's home (its home is gone); true when this node is now. */
  claimHome: () => Promise<boolean>;
  logger: Logger;
}

interface RemotePeer extends ListedRemote {
  /** Its resume token's digest, from its node's roster. */
  digest?: string;
}

/**
 * One meeting as served by this node when it spans several nodes. Participants connected here have
 * their transports here; the others are listed from their nodes' rosters and events (room channel),
 * and their producers are piped in (SpanPipes) and consumed here like local ones. The meeting's
 * authority (admission: lock, passcode, waiting room, owner joins) stays with its home node.
 */
export class RoomSpan implements RoomSpanHooks {
  readonly room: Room;
  readonly pipes: SpanPipes;
  readonly admission: SpanAdmission;
  readonly host: SpanHost;
  readonly files: SpanFiles;
  readonly #remote = new Map<string, RemotePeer>();
  /** Participants of nodes that are gone, listed as reconnecting until they resume here or elsewhere. */
  readonly #resume: SpanResume;
  readonly #deps: RoomSpanDeps;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout;
  /** Held by the home while other nodes serve participants: the meeting must not close under them. */
  #lease?: () => void;
  #closed = false;

  constructor(room: Room, deps: RoomSpanDeps) {
    this.room = room;
    this.#deps = deps;
    this.#logger = deps.logger.child({ roomId: room.id });
    const localDataProducer = (id: string) => this.files.localDataProducer(id);
    this.pipes = new SpanPipes({ roomId: room.id, router: () => room.router, listen: deps.listen, ask: deps.ask, localProducer: (id) => localProducer(room, id), localDataProducer, logger: this.#logger });
    const connected = () => [...this.#remote.values()].filter((remote) => !remote.info.reconnecting);
    const nodeOf = (peerId: string) => connected().find((remote) => remote.info.id === peerId)?.node;
    this.files = new SpanFiles({ room, pipes: this.pipes, ask: deps.ask, nodeOf, remoteIds: () => connected().map((remote) => remote.info.id), logger: this.#logger });
    this.#resume = new SpanResume({ deliver: (name, data) => this.#deliver(name, data), windowMs: () => room.meetingState.admission.tokens.windowMs });
    this.admission = new SpanAdmission({ room, ask: deps.ask, home: deps.home, claimHome: deps.claimHome, resumeGrant: (token) => this.#resume.grant(token, () => this.#remote.values()), logger: this.#logger });
    room.media.onLocalProducer = (peer, producer) => this.#publish({ t: 'producer', peerId: peer.id, producer: producerInfo(producer) });
    const listed = (peerId: string) => this.#remote.has(peerId) || this.#resume.infos.some((info) => info.id === peerId);
    this.host = new SpanHost({ room, publish: (message) => this.#publish(message), ask: deps.ask, home: deps.home, remote: () => this.#remote.values(), remotePeer: (peerId) => this.#remote.get(peerId), listed, logger: this.#logger });
    // The host's node may have gone and its participants lapsed since (SpanResume): the home notices here.
    this.#timer = setInterval(() => (this.#publishRoster(), this.host.check()), ROSTER_INTERVAL_MS);
    this.#timer.unref();
  }

  async start(): Promise<void> {
    await this.#deps.bus.joinRoom(this.room.id, (from, body) => this.#receive(from, body));
    this.#publish({ t: 'hello' });
    this.#publishRoster();
  }

  remoteNodes(): string[] {
    return [...new Set([...this.#remote.values()].map((remote) => remote.node))];
  }

  get remoteCount(): number {
    return this.#remote.size;
  }

  // ---- hooks (Room) ----------------------------------------------------------------------------

  admit(join: SpanJoin): Promise<'open' | 'letIn' | undefined> {
    return this.admission.admit(join);
  }

  remoteInfos(): PeerInfo[] {
    return [...[...this.#remote.values()].map((remote) => remote.info), ...this.#resume.infos].filter((info) => !this.room.peers.has(info.id));
  }

  relay<N extends NotificationName>(name: N, data: NotificationData<N>, exceptPeerId?: string): void {
    if (!RELAYED.has(name)) return;
    this.#publish({ t: 'event', name, data, ...(exceptPeerId ? { except: exceptPeerId } : {}) });
    if (name === 'peerJoined') this.#joinedHere((data as PeerInfo).id);
    if (name === 'roomLocked' && (data as NotificationData<'roomLocked'>).locked) this.#resume.forgetAll();
  }

  /** A participant joined here: one that was another node's (it resumed here) is no longer remote; the others learn its token's digest now. */
  #joinedHere(peerId: string): void {
    this.#resume.take(peerId);
    const remote = this.#remote.get(peerId);
    if (remote) {
      this.#remote.delete(peerId);
      for (const producer of remote.info.producers) this.pipes.closeProducer(producer.id);
      this.#updateLease();
    }
    this.#publishRoster();
  }

  holds(peerId: string): boolean {
    return this.#remote.has(peerId);
  }

  command(action: 'mute' | 'remove', host: Peer, peerId: string): void {
    const remote = this.#remote.get(peerId);
    if (!remote) throw new HostError('not_found', 'no such participant');
    this.#deps.ask(remote.node, 'command', { roomId: this.room.id, action, peerId, by: { id: host.id, displayName: host.displayName } }).catch((error: unknown) => {
      this.#logger.warn({ peerId, action, err: (error as Error).message }, 'cluster: host control on another node failed');
    });
  }

  remoteInfo(peerId: string): PeerInfo | undefined {
    return this.#remote.get(peerId)?.info;
  }

  async sendPrivate(message: PrivateMessage): Promise<void> {
    const remote = this.#remote.get(message.toPeerId);
    if (!remote) throw new HostError('not_found', 'no such participant');
    try {
      await this.#deps.ask(remote.node, 'privateMessage', { roomId: this.room.id, message });
    } catch (error) {
      this.#logger.info({ toPeerId: message.toPeerId, err: (error as Error).message }, 'cluster: a private message did not reach the other node');
      throw new HostError('not_found', 'that participant is no longer in the meeting');
    }
  }

  /** A private message from a participant on node `from` for one here: to the recipient alone, not into chat history. */
  deliverPrivate(from: string, message: PrivateMessage): void {
    // Only a participant the sending node serves may be its author.
    if (this.#remote.get(message.peerId)?.node !== from) throw new HostError('not_found', 'unknown sender');
    deliverPrivate(this.room, message);
  }

  /** A host control from the node the host is on, for a participant here. */
  execute(action: 'mute' | 'remove', peerId: string, by: { id: string; displayName: string }): void {
    executeHostControl(this.room, action, peerId, by);
  }

  // ---- the room channel --------------------------------------------------------------------------

  #publish(message: SpanMessage): void {
    if (!this.#closed) this.#deps.bus.toRoom(this.room.id, message);
  }

  /** This node's participants: connected, and those whose connection dropped here (reconnecting: they may resume on any node, by their token's digest). */
  #publishRoster(): void {
    const local = [...this.room.peers.values()].filter((peer) => !peer.closed);
    const reconnecting = this.room.departures.reconnecting.filter((info) => !this.room.peers.has(info.id));
    const peers = [...local.map((peer) => peer.info(this.room.hostPeerId === peer.id)), ...reconnecting];
    this.#publish({ t: 'roster', peers, tokens: tokenDigests(this.room.meetingState.admission.tokens, peers), settings: this.#deps.settings.rev(this.room), host: this.host.hostForRoster });
  }

  /** The meeting's admission settings changed here (revision `rev`): the other nodes apply them. */
  settingsWritten(rev: number): void {
    this.#publish({ t: 'settings', rev });
  }

  /** Locking or a new passcode ended the resume rights of everyone absent: nobody resumes by a token digest learnt before. */
  revokeAbsent(): void {
    this.#resume.forgetAll();
    for (const remote of this.#remote.values()) if (remote.info.reconnecting) remote.digest = undefined;
  }

  #reloadSettings(rev: number): void {
    this.#deps.settings.reload(this.room, rev).catch((error: unknown) => this.#logger.warn({ rev, err: (error as Error).message }, 'cluster: could not load the meeting\'s settings'));
  }

  #receive(from: string, body: unknown): void {
    if (this.#closed) return;
    const parsed = SpanMessage.safeParse(body);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.t) {
      case 'hello':
        this.#publishRoster();
        return;
      case 'roster':
        if (message.settings) this.#reloadSettings(message.settings);
        if (message.host !== undefined) this.host.follow(from, message.host);
        this.#applyRoster(from, message.peers, message.tokens ?? {}, (message.settings ?? 0) >= this.#deps.settings.rev(this.room));
        return;
      case 'settings':
        this.#reloadSettings(message.rev);
        return;
      case 'host':
        return this.host.follow(from, message.peerId);
      case 'toHost':
        return this.host.deliverToHost(from, message);
      case 'producer': {
        const remote = this.#remote.get(message.peerId);
        if (!remote || remote.node !== from) return;
        if (!remote.info.producers.some((p) => p.id === message.producer.id)) remote.info.producers.push(message.producer);
        this.#pipeIn(from, message.peerId, message.producer.id);
        return;
      }
      case 'event':
        this.#applyEvent(from, message.name, message.data, message.except);
        return;
      case 'bye':
        this.dropNode(from);
        return;
    }
  }

  /** `current`: sent with this node's admission settings or later ones (else a lock or new passcode since may have revoked its reconnecting participants' tokens). */
  #applyRoster(from: string, peers: PeerInfo[], tokens: Record<string, string>, current: boolean): void {
    const listed = new Set(peers.map((info) => info.id));
    for (const [peerId, remote] of this.#remote) if (remote.node === from && !listed.has(peerId)) this.#removeRemote(peerId);
    for (const info of peers) {
      this.#upsert(from, info);
      const remote = this.#remote.get(info.id);
      if (remote?.node === from) remote.digest = info.reconnecting && !current ? undefined : tokens[info.id];
    }
    this.#resume.rosterHeard();
  }

  #upsert(from: string, info: PeerInfo): void {
    // A participant served here is never also remote (a late message from a node it left).
    if (this.room.peers.has(info.id)) return;
    const known = this.#remote.get(info.id);
    if (info.reconnecting) {
      // Listed as reconnecting by `from` while connected elsewhere, or dropped here: a roster sent before it resumed.
      if ((known && known.node !== from && !known.info.reconnecting) || this.room.departures.isReconnecting(info.id)) return;
    } else if (this.room.departures.isReconnecting(info.id)) {
      // Its connection to this node dropped and it resumed on `from`: its entry and its token here go (no `peerLeft`: it is back).
      this.room.departures.resumed(info.id);
      this.room.meetingState.admission.tokens.revoke(info.id);
      this.#publishRoster();
    }
    this.#remote.set(info.id, { node: from, info: { ...info, producers: [...info.producers] }, since: known?.since ?? Date.now(), digest: known?.node === from ? known.digest : undefined });
    // One that was reconnecting (its node gone, or dropped from it) and resumed on `from`: it came back, as on one node.
    const resumed = this.#resume.take(info.id);
    const back = known !== undefined && (known.node !== from || (known.info.reconnecting === true && !info.reconnecting));
    if (!known || resumed || back) this.#deliver('peerJoined', info);
    else if (info.reconnecting && !known.info.reconnecting) this.#deliver('peerUpdated', { peerId: info.id, reconnecting: true });
    const current = new Set(info.producers.map((p) => p.id));
    for (const old of known?.info.producers ?? []) if (!current.has(old.id)) this.pipes.closeProducer(old.id);
    for (const producer of info.producers) {
      this.pipes.setPaused(producer.id, producer.paused);
      this.#pipeIn(from, info.id, producer.id);
    }
    this.#updateLease();
  }

  /** `nodeGone`: its node died or stopped, so it may resume elsewhere: listed as reconnecting meanwhile. */
  #removeRemote(peerId: string, nodeGone = false): void {
    const remote = this.#remote.get(peerId);
    if (!remote) return;
    this.#remote.delete(peerId);
    for (const producer of remote.info.producers) this.pipes.closeProducer(producer.id);
    if (nodeGone && remote.digest) this.#resume.hold(remote.info, remote.digest);
    else this.#deliver('peerLeft', { peerId });
    this.#updateLease();
    this.host.check();
  }

  #applyEvent(from: string, name: string, data: unknown, except: string | undefined): void {
    if (!RELAYED.has(name as NotificationName)) return;
    const event = name as NotificationName;
    const parsed = notifications[event].safeParse(data);
    if (!parsed.success) return;
    const value = parsed.data as Record<string, unknown>;
    const peerId = typeof value.peerId === 'string' ? value.peerId : undefined;
    const remote = peerId === undefined ? undefined : this.#remote.get(peerId);
    switch (event) {
      case 'peerJoined':
        replacedElsewhere(this.room, (parsed.data as PeerInfo).id);
        this.#upsert(from, parsed.data as PeerInfo);
        return;
      case 'peerLeft':
        if (remote?.node === from) this.#removeRemote(peerId!);
        else if (!remote && peerId !== undefined && this.#resume.take(peerId)) break;
        return;
      case 'roomLocked':
        if (value.locked === true) this.#resume.forgetAll();
        break;
      case 'peerUpdated':
        if (remote) Object.assign(remote.info, definedOnly({ displayName: value.displayName, isHost: value.isHost, reconnecting: value.reconnecting }));
        break;
      case 'handRaised':
        if (remote) remote.info.handRaised = value.raised === true;
        break;
      case 'recordingChanged':
        if (remote) remote.info.recording = value.recording === true;
        break;
      case 'producerPaused':
      case 'producerResumed': {
        const paused = event === 'producerPaused';
        const producer = remote?.info.producers.find((p) => p.id === value.producerId);
        if (producer) producer.paused = paused;
        this.pipes.setPaused(String(value.producerId), paused);
        break;
      }
      case 'producerClosed':
        if (remote) remote.info.producers = remote.info.producers.filter((p) => p.id !== value.producerId);
        this.pipes.closeProducer(String(value.producerId));
        break;
      case 'chatMessage':
        this.room.meetingState.chat.add(parsed.data as NotificationData<'chatMessage'>);
        break;
      default:
        break;
    }
    this.#deliver(event, parsed.data as NotificationData<typeof event>, except);
  }

  #deliver<N extends NotificationName>(name: N, data: NotificationData<N>, exceptPeerId?: string): void {
    for (const peer of this.room.peers.values()) if (peer.id !== exceptPeerId) peer.channel.notify(name, data);
  }

  // ---- media ------------------------------------------------------------------------------------

  #pipeIn(from: string, peerId: string, producerId: string): void {
    if (this.pipes.has(producerId)) return;
    this.pipes.pipeIn(from, producerId).then(
      async (producer) => {
        if (!producer) return;
        const remote = this.#remote.get(peerId);
        if (this.#closed || !remote || !remote.info.producers.some((p) => p.id === producerId)) {
          producer.close();
          return;
        }
        await this.room.media.addRemoteProducer(peerId, producer, this.pipes.valveFor(from, producer));
      },
      (error: unknown) => {
        if (!this.#closed && this.#remote.has(peerId)) this.#logger.warn({ from, producerId, err: (error as Error).message }, 'cluster: could not pipe a producer in');
      },
    );
  }

  // ---- nodes and life cycle --------------------------------------------------------------------

  /** `nodeId` no longer serves the room (it said bye, or died): its participants leave the roster, its pipes close. */
  dropNode(nodeId: string): void {
    for (const [peerId, remote] of this.#remote) if (remote.node === nodeId) this.#removeRemote(peerId, true);
    this.pipes.dropNode(nodeId);
  }

  /** Which nodes serve the room: any other is gone. */
  nodesLive(live: ReadonlySet<string>): void {
    const nodes = new Set([...this.#remote.values()].map((remote) => remote.node));
    for (const nodeId of nodes) if (!live.has(nodeId)) this.dropNode(nodeId);
    this.admission.nodesLive(live);
  }

  /** The other nodes' participants, or this node's role (home or not), changed: the forwarding policy's meeting size and the lease follow. */
  #updateLease(): void {
    this.room.media.setRemotePeers(this.#remote.size);
    const wanted = !this.#closed && this.#deps.home() === undefined && this.#remote.size > 0;
    if (wanted && !this.#lease) this.#lease = this.room.lease();
    if (!wanted && this.#lease) {
      this.#lease();
      this.#lease = undefined;
      if (!this.room.closed && this.room.idle) this.room.emit('empty');
    }
  }

  roleChanged(): void {
    this.#updateLease();
  }

  close(): void {
    if (this.#closed) return;
    this.#deps.bus.toRoom(this.room.id, { t: 'bye' } satisfies SpanMessage);
    this.#closed = true;
    clearInterval(this.#timer);
    this.#deps.bus.leaveRoom(this.room.id);
    this.#lease?.();
    this.#lease = undefined;
    this.pipes.close();
    this.#remote.clear();
    this.#resume.close();
    this.admission.close();
    this.host.close();
    this.files.close();
  }
}
