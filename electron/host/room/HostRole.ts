import { EventEmitter } from 'node:events';

/**
 * Which participant is the room's host. Nobody becomes host by arriving first: the role comes from
 * the owner key (the desktop app that hosts the meeting) or the admin token (a headless host's
 * owner link). A host whose connection drops keeps the role while it may resume; a host who
 * leaves hands it to the longest-present participant. 'changed' says who holds it now (null:
 * nobody was left to take it).
 */
export class HostRole extends EventEmitter<{ changed: [peerId: string | null] }> {
  #peerId: string | null = null;

  get peerId(): string | null {
    return this.#peerId;
  }

  is(peerId: string): boolean {
    return this.#peerId === peerId;
  }

  /** Gives the role to `peerId`; returns the previous holder when that changed. */
  assign(peerId: string): string | null {
    const previous = this.#peerId;
    this.#peerId = peerId;
    if (previous === peerId) return null;
    this.emit('changed', peerId);
    return previous;
  }

  /** The holder is gone for good: the longest-present of `candidates` (by join time) takes over. */
  handOver(candidates: Iterable<{ id: string; joinedAt: number }>): string | null {
    let next: { id: string; joinedAt: number } | undefined;
    for (const candidate of candidates) if (!next || candidate.joinedAt < next.joinedAt) next = candidate;
    this.#peerId = next?.id ?? null;
    this.emit('changed', this.#peerId);
    return this.#peerId;
  }
}
