import { HostError } from '../errors';
import type { Peer } from '../Peer';
import type { Room } from '../Room';
import type { Session } from './Session';

/** The caller's peer and room; a typed `not_joined` when it is not in a meeting. */
export function joined(ctx: { session: Session }): { peer: Peer; room: Room } {
  const { peer, room } = ctx.session;
  if (!peer || !room || peer.closed) throw new HostError('not_joined', 'join a meeting first');
  return { peer, room };
}
