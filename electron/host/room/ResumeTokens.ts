import { newSecret } from '../security/secrets';

export interface ResumeGrant {
  readonly peerId: string;
  /** The peer held the host role when its connection dropped. */
  readonly wasHost: boolean;
}

interface TokenRecord extends ResumeGrant {
  /** null while the participant is connected; set when its connection drops. */
  expiresAt: number | null;
  /** A rejoin with this token is in progress: a second one (a copied token) is refused meanwhile. */
  claimed: boolean;
}

/**
 * Proof of an earlier admission, so a participant whose connection dropped comes back as itself
 * without the passcode. One live token per participant; a token is single-use (every successful
 * rejoin replaces it), lapses `windowMs` after the connection dropped, and is revoked when the
 * participant leaves or is removed, and — for participants not present — when the room is locked
 * or its passcode changes.
 */
export class ResumeTokens {
  readonly #records = new Map<string, TokenRecord>();
  readonly #tokenByPeer = new Map<string, string>();
  readonly #windowMs: number;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** A fresh token for a participant that is now connected; its previous token stops working. */
  issue(peerId: string): string {
    this.revoke(peerId);
    const token = newSecret();
    this.#records.set(token, { peerId, wasHost: false, expiresAt: null, claimed: false });
    this.#tokenByPeer.set(peerId, token);
    return token;
  }

  /** The participant's live token (a cluster node tells the meeting's other nodes its digest, see cluster/SpanResume). */
  current(peerId: string): string | undefined {
    return this.#tokenByPeer.get(peerId);
  }

  /**
   * A token another node of the cluster issued (verified there: its digest was in that node's signed
   * roster), for a participant whose connection to that node dropped: it works here like one issued
   * here whose connection dropped now. A token known here is left as it is.
   */
  adopt(token: string, grant: ResumeGrant, now = Date.now()): void {
    if (this.#records.has(token)) return;
    this.revoke(grant.peerId);
    this.#records.set(token, { peerId: grant.peerId, wasHost: grant.wasHost, expiresAt: now + this.#windowMs, claimed: false });
    this.#tokenByPeer.set(grant.peerId, token);
  }

  /** The participant a live token (issued, not lapsed, not being used by a rejoin) belongs to. */
  peerOf(token: string, now = Date.now()): string | undefined {
    const record = this.#records.get(token);
    if (!record || record.claimed || (record.expiresAt !== null && record.expiresAt <= now)) return undefined;
    return record.peerId;
  }

  /** Whether `token` would resume someone here (known, not lapsed); it is not reserved. */
  has(token: string | undefined, now = Date.now()): boolean {
    const record = token ? this.#records.get(token) : undefined;
    return record !== undefined && (record.expiresAt === null || record.expiresAt > now);
  }

  /** Reserves a token for one rejoin. Undefined when unknown, lapsed or already being used. */
  claim(token: string | undefined, now = Date.now()): ResumeGrant | undefined {
    if (!token) return undefined;
    const record = this.#records.get(token);
    if (!record || record.claimed) return undefined;
    if (record.expiresAt !== null && record.expiresAt <= now) {
      this.#delete(token);
      return undefined;
    }
    record.claimed = true;
    return { peerId: record.peerId, wasHost: record.wasHost };
  }

  /** The rejoin that claimed `token` failed: the token works again (until it lapses). */
  unclaim(token: string | undefined): void {
    const record = token ? this.#records.get(token) : undefined;
    if (record) record.claimed = false;
  }

  /** The participant's connection dropped: its token lapses after the resume window. */
  disconnected(peerId: string, wasHost: boolean, now = Date.now()): void {
    const token = this.#tokenByPeer.get(peerId);
    const record = token ? this.#records.get(token) : undefined;
    if (!record) return;
    record.expiresAt = now + this.#windowMs;
    (record as { wasHost: boolean }).wasHost = wasHost;
  }

  revoke(peerId: string): void {
    const token = this.#tokenByPeer.get(peerId);
    if (token) this.#delete(token);
  }

  /** Lock or passcode change: whoever is not in the meeting now must be admitted anew. */
  revokeAllExcept(presentPeerIds: ReadonlySet<string>): void {
    for (const [peerId] of this.#tokenByPeer) if (!presentPeerIds.has(peerId)) this.revoke(peerId);
  }

  /**
   * A lock or passcode change made at `at` on another node of the cluster: whoever was absent then
   * (its connection dropped before `at`) must be admitted anew; whoever dropped since keeps its token.
   */
  revokeDroppedBefore(at: number): void {
    for (const [token, record] of this.#records) if (record.expiresAt !== null && record.expiresAt - this.#windowMs < at) this.#delete(token);
  }

  /** Peers whose token lapsed (they did not come back in time). */
  prune(now = Date.now()): string[] {
    const lapsed: string[] = [];
    for (const [token, record] of this.#records) {
      if (record.expiresAt !== null && record.expiresAt <= now && !record.claimed) {
        this.#delete(token);
        lapsed.push(record.peerId);
      }
    }
    return lapsed;
  }

  get size(): number {
    return this.#records.size;
  }

  get windowMs(): number {
    return this.#windowMs;
  }

  #delete(token: string): void {
    const record = this.#records.get(token);
    this.#records.delete(token);
    if (record && this.#tokenByPeer.get(record.peerId) === token) this.#tokenByPeer.delete(record.peerId);
  }
}
