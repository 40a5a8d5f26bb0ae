import type { NotificationData, NotificationName, PeerInfo, WaitingList } from '../../../shared/protocol';
import { HostError } from '../errors';
import type { Logger } from '../logger';
import type { Room } from '../Room';
import type { WaitingDecision, WaitingRoomSpan } from '../room/WaitingRoom';
import type { SpanAnswer, SpanArgs, SpanMessage } from './spanMessages';
import type { Ask } from './SpanPipes';

/** A participant another node serves, as this node lists it. */
export interface ListedRemote {
  node: string;
  info: PeerInfo;
  /** When this node first listed it (its place in the line for the host role). */
  since: number;
}

export interface SpanHostDeps {
  room: Room;
  publish: (message: SpanMessage) => void;
  ask: Ask;
  /** The meeting's home when it is another node (undefined: this node is home). */
  home: () => { id: string; url: string } | undefined;
  /** The other nodes' participants (connected or reconnecting there). */
  remote: () => Iterable<ListedRemote>;
  remotePeer: (peerId: string) => ListedRemote | undefined;
  /** Listed by this node's span in any state (another node's, or held after its node went). */
  listed: (peerId: string) => boolean;
  logger: Logger;
}

/**
 * The host role of a meeting spanning nodes: one host for the whole meeting, wherever it is served.
 * Only the meeting's home decides who it is — when the host leaves (or its resume window lapses)
 * on any node, the home hears of it and hands the role to the longest-present participant among
 * every node's — and tells the other nodes (`host`, and in its rosters), which follow. So two nodes
 * never pick a host each. The home's waiting room serves the host wherever it is: its knocks and
 * list go to the host's node (`toHost`), its Admit / Deny come back (`hostDecide`).
 */
export class SpanHost {
  readonly #deps: SpanHostDeps;
  /** Home: the host last announced, to tell a host on another node it no longer is. */
  #announced: string | null;
  /** Elsewhere: the home's waiting list, as last heard. */
  #homeList?: WaitingList;
  readonly #onChanged = (peerId: string | null) => this.#changed(peerId);
  readonly #waitingSpan: WaitingRoomSpan;

  constructor(deps: SpanHostDeps) {
    this.#deps = deps;
    const { room } = deps;
    this.#announced = room.hostPeerId;
    room.departures.hostHandOver = () => this.handOver();
    room.meetingState.hostRole.on('changed', this.#onChanged);
    this.#waitingSpan = {
      isHome: () => deps.home() === undefined,
      hostElsewhere: (peerId) => (deps.remotePeer(peerId) ? { notify: (name, data) => this.#toHost(peerId, name, data) } : undefined),
      homeList: () => this.#homeList,
      decide: (action, waitingId) => this.#decideOnHome(action, waitingId),
    };
    room.meetingState.admission.waiting.span = this.#waitingSpan;
  }

  /** Who is host, for this node's roster (only the home's counts). */
  get hostForRoster(): string | null | undefined {
    return this.#deps.home() ? undefined : this.#deps.room.hostPeerId;
  }

  /** The host left or lapsed here: the home hands the role on; another node waits to hear the home's choice. */
  handOver(): void {
    if (this.#deps.home()) return;
    const { room } = this.#deps;
    let next: { id: string; since: number } | undefined;
    const consider = (id: string, since: number) => {
      if (!next || since < next.since) next = { id, since };
    };
    for (const peer of room.peers.values()) if (!peer.closed) consider(peer.id, peer.joinedAt);
    for (const remote of this.#deps.remote()) if (!remote.info.reconnecting) consider(remote.info.id, remote.since);
    const hostRole = room.meetingState.hostRole;
    if (!next) {
      hostRole.handOver([]);
      return;
    }
    hostRole.assign(next.id);
    const remote = this.#deps.remotePeer(next.id);
    if (remote) remote.info.isHost = true;
    room.broadcast('peerUpdated', { peerId: next.id, isHost: true });
    this.#deps.logger.info({ peerId: next.id, node: remote?.node }, 'cluster: host role handed over');
  }

  /** Home: the host is no longer anywhere in the meeting (it left another node, or its node's participants lapsed): hand the role on. */
  check(): void {
    const { room } = this.#deps;
    const hostId = room.hostPeerId;
    if (!hostId || this.#deps.home() || room.closed) return;
    if (room.peers.has(hostId) || room.departures.isReconnecting(hostId) || this.#deps.listed(hostId)) return;
    this.handOver();
  }

  /** The home says who is host (a `host` message, or its roster). */
  follow(from: string, peerId: string | null): void {
    if (this.#deps.home()?.id !== from) return;
    const hostRole = this.#deps.room.meetingState.hostRole;
    if (peerId !== null) hostRole.assign(peerId);
    else if (hostRole.peerId !== null) hostRole.handOver([]);
  }

  /** From the home: a knock or the waiting list for the host, if this node serves it. */
  deliverToHost(from: string, message: Extract<SpanMessage, { t: 'toHost' }>): void {
    if (this.#deps.home()?.id !== from) return;
    if (message.list) this.#homeList = message.list;
    const channel = this.#deps.room.peers.get(message.peerId)?.channel;
    if (message.knock) channel?.notify('knock', message.knock);
    if (message.list) channel?.notify('waitingList', message.list);
  }

  /** Home: the host on node `from` decided about a knock here. */
  async answerDecision(from: string, { action, waitingId, by }: SpanArgs<'hostDecide'>): Promise<SpanAnswer<'hostDecide'>> {
    const { room } = this.#deps;
    if (this.#deps.home() || room.hostPeerId !== by || this.#deps.remotePeer(by)?.node !== from) return { admitted: 0, code: 'unauthorized', message: 'only the host can do that' };
    try {
      return { admitted: await room.meetingState.admission.waiting.decide(action, waitingId) };
    } catch (error) {
      if (error instanceof HostError) return { admitted: 0, code: error.code, message: error.message };
      throw error;
    }
  }

  close(): void {
    const { room } = this.#deps;
    room.meetingState.hostRole.off('changed', this.#onChanged);
    const waiting = room.meetingState.admission.waiting;
    if (waiting.span === this.#waitingSpan) waiting.span = undefined;
    if (room.departures.hostHandOver) room.departures.hostHandOver = undefined;
  }

  #changed(peerId: string | null): void {
    if (this.#deps.home()) return;
    const previous = this.#announced;
    this.#announced = peerId;
    this.#deps.publish({ t: 'host', peerId });
    // Room tells a previous host it serves that it no longer is; one served by another node hears it here.
    const before = previous === null || previous === peerId ? undefined : this.#deps.remotePeer(previous);
    if (before) {
      before.info.isHost = false;
      this.#deps.room.broadcast('peerUpdated', { peerId: before.info.id, isHost: false });
    }
  }

  #toHost<N extends NotificationName>(peerId: string, name: N, data: NotificationData<N>): void {
    if (name === 'knock') this.#deps.publish({ t: 'toHost', peerId, knock: data as NotificationData<'knock'> });
    else if (name === 'waitingList') this.#deps.publish({ t: 'toHost', peerId, list: data as NotificationData<'waitingList'> });
  }

  async #decideOnHome(action: WaitingDecision, waitingId: string | undefined): Promise<number> {
    const { room } = this.#deps;
    const home = this.#deps.home();
    const by = room.hostPeerId;
    if (!home || !by) throw new HostError('internal', 'the meeting moved to another server; try again');
    const answer = await this.#deps.ask(home.id, 'hostDecide', { roomId: room.id, action, ...(waitingId ? { waitingId } : {}), by }).catch((error: unknown) => {
      this.#deps.logger.warn({ home: home.id, err: (error as Error).message }, 'cluster: the meeting\'s home did not take the host\'s decision');
      throw new HostError('internal', 'the meeting\'s server did not answer; try again');
    });
    if (answer.code) throw new HostError(answer.code, answer.message ?? 'refused');
    return answer.admitted;
  }
}
