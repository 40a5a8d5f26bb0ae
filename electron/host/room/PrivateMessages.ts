import { randomUUID } from 'node:crypto';
import type { PrivateMessage } from '../../../shared/fileTransfer';
import { HostError } from '../errors';
import type { Peer } from '../Peer';

/**
 * A chat message for one participant: relayed to that participant only and never kept in the
 * room's chat history (late joiners and everyone else never see it).
 */
export function sendPrivateMessage(peers: ReadonlyMap<string, Peer>, from: Peer, toPeerId: string, text: string, ciphertext?: string): PrivateMessage {
  const to = peers.get(toPeerId);
  if (!to || to.closed) throw new HostError('not_found', 'no such participant');
  if (to === from) throw new HostError('bad_request', 'cannot send a private message to yourself');
  const message: PrivateMessage = {
    id: randomUUID(),
    peerId: from.id,
    displayName: from.displayName,
    toPeerId: to.id,
    toDisplayName: to.displayName,
    text,
    sentAt: Date.now(),
    ...(ciphertext === undefined ? {} : { ciphertext }),
  };
  to.channel.notify('privateMessage', message);
  return message;
}
