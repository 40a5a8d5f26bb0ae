import { randomUUID } from 'node:crypto';
import type { PrivateMessage } from '../../../shared/fileTransfer';
import { HostError } from '../errors';
import type { Peer } from '../Peer';
import type { RoomSpanHooks } from '../cluster/RoomSpanHooks';

/** What a private message needs of its room: the participants here, and those on other nodes (a meeting spanning nodes). */
export interface PrivateMessageRoom {
  readonly peers: ReadonlyMap<string, Peer>;
  readonly span?: Pick<RoomSpanHooks, 'remoteInfo' | 'sendPrivate'>;
}

/**
 * A chat message for one participant: relayed to that participant only and never kept in the
 * room's chat history (late joiners and everyone else never see it). A recipient served by another
 * node of the cluster gets it through that node alone.
 */
export async function sendPrivateMessage(room: PrivateMessageRoom, from: Peer, toPeerId: string, text: string, ciphertext?: string): Promise<PrivateMessage> {
  const to = room.peers.get(toPeerId);
  const remote = to ? undefined : room.span?.remoteInfo(toPeerId);
  if (to?.closed || (!to && !remote)) throw new HostError('not_found', 'no such participant');
  if (to === from) throw new HostError('bad_request', 'cannot send a private message to yourself');
  const message: PrivateMessage = {
    id: randomUUID(),
    peerId: from.id,
    displayName: from.displayName,
    toPeerId,
    toDisplayName: to?.displayName ?? remote!.displayName,
    text,
    sentAt: Date.now(),
    ...(ciphertext === undefined ? {} : { ciphertext }),
  };
  if (to) to.channel.notify('privateMessage', message);
  else await room.span!.sendPrivate(message);
  return message;
}
