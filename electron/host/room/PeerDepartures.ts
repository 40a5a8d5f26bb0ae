import type { NotificationData, NotificationName, PeerInfo } from '../../../shared/protocol';
import type { Logger } from '../logger';
import type { Peer, PeerCloseCause } from '../Peer';
import type { HostRole } from './HostRole';
import type { ResumeTokens } from './ResumeTokens';

export interface DepartureDeps {
  /** The participants in the room now (the departing one already removed). */
  peers: ReadonlyMap<string, Peer>;
  tokens: ResumeTokens;
  hostRole: HostRole;
  broadcast<N extends NotificationName>(name: N, data: NotificationData<N>, exceptPeerId?: string): void;
  logger: Logger;
}

/**
 * What happens when a participant's media state ends, by cause:
 *  - it left or was removed: the room is told it left; its token goes; a host hands the role on;
 *  - its connection dropped (or it is rejoining to repair its media): it stays listed as
 *    `reconnecting` (the others keep its tile) until it comes back with its resume token, or the
 *    resume window lapses — then the room is told it left, and a host hands the role on;
 *  - its worker died under it: it is asked to rejoin (the whole room is moving).
 */
export class PeerDepartures {
  readonly #deps: DepartureDeps;
  /** Dropped participants still listed, as the room last saw them (no media). */
  readonly #reconnecting = new Map<string, { info: PeerInfo; timer: NodeJS.Timeout }>();
  readonly #lapseTimers = new Set<NodeJS.Timeout>();
  /** Clustered, the meeting spanning nodes: who takes the role is decided across them (cluster/SpanHost) instead of among this node's participants. */
  hostHandOver?: () => void;

  constructor(deps: DepartureDeps) {
    this.#deps = deps;
  }

  /** Participants listed as reconnecting (for the join answer's peer list). */
  get reconnecting(): PeerInfo[] {
    return [...this.#reconnecting.values()].map((entry) => entry.info);
  }

  isReconnecting(peerId: string): boolean {
    return this.#reconnecting.has(peerId);
  }

  /**
   * A peer closed. `mediaLost`: its router died (the room is moving to another worker). Returns
   * whether the room may now be empty of participants (a departure, not a replacement).
   */
  peerClosed(peer: Peer, cause: PeerCloseCause, mediaLost: boolean): boolean {
    if (cause === 'replaced' || cause === 'room_closed') return false;
    const { tokens, hostRole, logger } = this.#deps;
    const wasHost = hostRole.is(peer.id);
    if (cause === 'transport_closed' && mediaLost) {
      // The worker died under this peer (its router closed, the room did not): it comes back with its token.
      tokens.disconnected(peer.id, wasHost);
      peer.channel.notify('rejoinRequired', { reason: 'the media server restarted' });
      this.#scheduleLapse();
      return false;
    }
    if (cause === 'disconnected' || cause === 'transport_closed') {
      // It may come back within the resume window, as host if it was host; until then it is "reconnecting".
      tokens.disconnected(peer.id, wasHost);
      this.#holdListed({ ...peer.info(wasHost), producers: [], reconnecting: true });
      this.#scheduleLapse();
      logger.info({ peerId: peer.id, peers: this.#deps.peers.size, cause }, 'peer reconnecting');
      return true;
    }
    this.#deps.broadcast('peerLeft', { peerId: peer.id });
    tokens.revoke(peer.id);
    if (wasHost) this.#handOverHost();
    logger.info({ peerId: peer.id, peers: this.#deps.peers.size, cause }, 'peer left');
    return true;
  }

  /** A participant is back with its token (or replaced its old connection): no longer reconnecting. */
  resumed(peerId: string): void {
    const entry = this.#reconnecting.get(peerId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.#reconnecting.delete(peerId);
  }

  /** Tokens were revoked (lock, passcode change): whoever is reconnecting without one cannot return. */
  forgetReconnecting(): void {
    for (const peerId of [...this.#reconnecting.keys()]) if (!this.#deps.tokens.current(peerId)) this.#gone(peerId);
  }

  close(): void {
    for (const { timer } of this.#reconnecting.values()) clearTimeout(timer);
    this.#reconnecting.clear();
    for (const timer of this.#lapseTimers) clearTimeout(timer);
    this.#lapseTimers.clear();
  }

  #holdListed(info: PeerInfo): void {
    this.resumed(info.id);
    // A margin past the token's own lapse, so a rejoin that claimed the token just in time still finds it listed.
    const timer = setTimeout(() => this.#gone(info.id), this.#deps.tokens.windowMs + 50);
    timer.unref();
    this.#reconnecting.set(info.id, { info, timer });
    this.#deps.broadcast('peerUpdated', { peerId: info.id, reconnecting: true });
  }

  #gone(peerId: string): void {
    if (!this.#reconnecting.has(peerId)) return;
    this.resumed(peerId);
    if (this.#deps.peers.has(peerId)) return;
    this.#deps.broadcast('peerLeft', { peerId });
    this.#deps.logger.info({ peerId }, 'peer did not come back within its resume window; left');
  }

  #handOverHost(): void {
    if (this.hostHandOver) return this.hostHandOver();
    const next = this.#deps.hostRole.handOver(this.#deps.peers.values());
    if (next) this.#deps.broadcast('peerUpdated', { peerId: next, isHost: true });
  }

  /** When a dropped participant's resume window ends: forget it; if it was host, hand the role on. */
  #scheduleLapse(): void {
    const { tokens, hostRole, peers } = this.#deps;
    const timer = setTimeout(() => {
      this.#lapseTimers.delete(timer);
      const lapsed = tokens.prune();
      const host = hostRole.peerId;
      if (host && lapsed.includes(host) && !peers.has(host)) this.#handOverHost();
    }, tokens.windowMs + 10);
    timer.unref();
    this.#lapseTimers.add(timer);
  }
}
