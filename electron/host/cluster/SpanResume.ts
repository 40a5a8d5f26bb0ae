import { createHash } from 'node:crypto';
import type { NotificationData, NotificationName, PeerInfo } from '../../../shared/protocol';
import type { ResumeGrant, ResumeTokens } from '../room/ResumeTokens';

/**
 * What a node tells the meeting's other nodes about a resume token: its SHA-256, never the token.
 * Tokens are 192-bit random secrets, so the digest reveals nothing and cannot be turned back into
 * a token; a client presenting the token to another node proves it by hashing to the same digest.
 */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The digests of the live tokens of `peers` (a node's roster). */
export function tokenDigests(tokens: Pick<ResumeTokens, 'current'>, peers: Iterable<{ id: string }>): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const peer of peers) {
    const token = tokens.current(peer.id);
    if (token) digests[peer.id] = tokenDigest(token);
  }
  return digests;
}

/** A rejoin reaching a node that has no roster of the meeting yet waits this long for one. */
const FIRST_ROSTER_WAIT_MS = 1_000;

interface Orphan {
  info: PeerInfo;
  digest?: string;
  timer: NodeJS.Timeout;
}

export interface SpanResumeDeps {
  /** Tells this node's participants (peerUpdated / peerLeft). */
  deliver<N extends NotificationName>(name: N, data: NotificationData<N>): void;
  /** How long a dropped participant may come back (the meeting's resume window). */
  windowMs: () => number;
}

/**
 * Participants of other nodes, as one meeting spanning nodes sees them when their node is gone
 * (died, or stopped): like a participant whose connection dropped on one node, each stays listed as
 * `reconnecting` (others keep its tile) until it resumes — on any node, with the token its node
 * issued, whose digest that node's roster carried — or its resume window lapses (then it left).
 */
export class SpanResume {
  readonly #deps: SpanResumeDeps;
  readonly #orphans = new Map<string, Orphan>();
  /** Resolved by the first roster from another node (this node just opened the meeting: who is there?). */
  #rosterHeard!: () => void;
  readonly #firstRoster = new Promise<void>((resolve) => (this.#rosterHeard = resolve));
  readonly #openedAt = Date.now();

  constructor(deps: SpanResumeDeps) {
    this.#deps = deps;
  }

  /** `info`'s node is gone: listed as reconnecting until it comes back or its window lapses. */
  hold(info: PeerInfo, digest: string | undefined): void {
    this.take(info.id);
    const timer = setTimeout(() => {
      if (this.#orphans.get(info.id)?.timer !== timer) return;
      this.#orphans.delete(info.id);
      this.#deps.deliver('peerLeft', { peerId: info.id });
    }, this.#deps.windowMs() + 50);
    timer.unref();
    this.#orphans.set(info.id, { info: { ...info, producers: [], reconnecting: true }, digest, timer });
    this.#deps.deliver('peerUpdated', { peerId: info.id, reconnecting: true });
  }

  /** It is back (here or on another node): no longer listed here as reconnecting. True when it was. */
  take(peerId: string): boolean {
    const orphan = this.#orphans.get(peerId);
    if (!orphan) return false;
    clearTimeout(orphan.timer);
    this.#orphans.delete(peerId);
    return true;
  }

  rosterHeard(): void {
    this.#rosterHeard();
  }

  /** `grantFor`, after waiting (bounded) for the other nodes' rosters when the meeting just opened here for this rejoin. */
  async grant(token: string | undefined, listed: () => Iterable<{ info: PeerInfo; digest?: string }>): Promise<ResumeGrant | undefined> {
    const grant = this.grantFor(token, listed());
    if (grant || !token || Date.now() - this.#openedAt > FIRST_ROSTER_WAIT_MS * 3) return grant;
    await Promise.race([this.#firstRoster, new Promise((resolve) => setTimeout(resolve, FIRST_ROSTER_WAIT_MS).unref())]);
    return this.grantFor(token, listed());
  }

  /** The grant for a token of an orphan, or of a participant listed by a live node (`listed`), by digest. */
  grantFor(token: string | undefined, listed: Iterable<{ info: PeerInfo; digest?: string }>): ResumeGrant | undefined {
    if (!token) return undefined;
    const digest = tokenDigest(token);
    for (const candidate of [...this.#orphans.values(), ...listed]) {
      if (candidate.digest === digest) return { peerId: candidate.info.id, wasHost: candidate.info.isHost };
    }
    return undefined;
  }

  get infos(): PeerInfo[] {
    return [...this.#orphans.values()].map((orphan) => orphan.info);
  }

  /** The meeting was locked: whoever is not in it now must be admitted anew (as on one node). */
  forgetAll(): void {
    for (const peerId of [...this.#orphans.keys()]) {
      this.take(peerId);
      this.#deps.deliver('peerLeft', { peerId });
    }
  }

  close(): void {
    for (const orphan of this.#orphans.values()) clearTimeout(orphan.timer);
    this.#orphans.clear();
  }
}
