import type { ParsedRequest, ResponseData } from '../../../shared/protocol';
import { HostError } from '../errors';
import type { Logger } from '../logger';
import type { HandlerContext } from './handlers';
import { PeerLink } from './PeerLink';
import type { Session } from './Session';

/** socket.io's reasons for a drop the client did not ask for: the participant may be back on a new connection. */
const UNASKED_DROPS = new Set(['transport close', 'transport error', 'ping timeout']);

/** `session` dropped: its participant (if it is still on it) is kept for a resume or closed. */
export function sessionDropped(session: Session, reason: string, graceMs: number, logger: Logger): void {
  const peer = session.peer;
  if (!peer || peer.closed) return;
  // It resumed on another connection already (this one's drop was only noticed now).
  if (peer.channel instanceof PeerLink && !peer.channel.isOn(session) && !peer.channel.detached) return;
  // A join not answered yet ends as a failed join: the client never learned it was in.
  if (!holdForResume(session, reason, graceMs, logger)) peer.close(session.joining ? 'left' : 'disconnected');
}

/**
 * `session` dropped (`reason`). When its participant is on it and may resume, the participant's media
 * session is kept `graceMs` for a `resume` (the others see it as reconnecting; its media goes on
 * meanwhile, if its path still works); then it is closed as a drop. Returns whether it was kept.
 */
function holdForResume(session: Session, reason: string, graceMs: number, logger: Logger): boolean {
  const { peer, room } = session;
  // A join not answered yet: the client has no token to resume it with.
  if (!peer || !room || peer.closed || session.joining || graceMs <= 0 || !UNASKED_DROPS.has(reason)) return false;
  const link = peer.channel;
  if (!(link instanceof PeerLink) || !link.isOn(session)) return false;
  link.detach(graceMs, () => peer.close('disconnected'));
  room.broadcast('peerUpdated', { peerId: peer.id, reconnecting: true }, peer.id);
  logger.info({ peerId: peer.id, reason, graceMs }, 'peer dropped; its media session is kept for a resume');
  return true;
}

/** `resume`: the participant whose token this is takes its kept media session on this connection. */
export async function resume(ctx: HandlerContext, data: ParsedRequest<'resume'>): Promise<ResponseData<'resume'>> {
  const { session } = ctx;
  if ((session.peer && !session.peer.closed) || session.joining) throw new HostError('already_joined', 'already in a meeting');
  session.joining = true;
  try {
    await ctx.actionLimits.consume('join', session.id);
  } finally {
    session.joining = false;
  }
  // Gone meanwhile: its drop was handled with no participant on it, so none may be moved onto it now.
  if (!session.socket.connected) throw new HostError('not_joined', 'disconnected during resume');
  const room = ctx.rooms.get(data.roomId);
  const tokens = room?.meetingState.admission.tokens;
  const peerId = tokens?.peerOf(data.resumeToken);
  const peer = peerId ? room?.peers.get(peerId) : undefined;
  const link = peer?.channel;
  if (!room || !tokens || !peer || peer.closed || !(link instanceof PeerLink)) throw new HostError('not_resumable', 'this session is no longer held: join again');
  const wasDetached = link.detached;
  // The notifications it missed go out first, on this connection, before the answer.
  if (!link.attach(session, data.lastSeq)) throw new HostError('not_resumable', 'the notifications since the drop are no longer held: join again');
  session.attach(room, peer, ctx.joinDeadlineMs);
  if (wasDetached) {
    room.broadcast('peerUpdated', { peerId: peer.id, reconnecting: false }, peer.id);
    peer.requestKeyFrames();
  }
  ctx.logger?.info({ peerId: peer.id, lastSeq: data.lastSeq, seq: link.seq }, 'peer resumed its media session');
  return { resumeToken: tokens.issue(peer.id) };
}
