import { HostError } from '../errors';
import type { Peer } from '../Peer';

/**
 * `mine` if the participant owns the thing it named; otherwise a typed error that says whether it
 * belongs to someone else (unauthorized) or to nobody (not found).
 */
export function owned<T>(mine: T | undefined, peers: Iterable<Peer>, ownedBy: (peer: Peer) => boolean, what: string): T {
  if (mine) return mine;
  for (const peer of peers) if (ownedBy(peer)) throw new HostError('unauthorized', `not your ${what}`);
  throw new HostError('not_found', `no such ${what}`);
}
