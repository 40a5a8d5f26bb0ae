import type { types } from 'mediasoup';
import type { PrivateMessage } from '../../../shared/fileTransfer';
import { HostError } from '../errors';
import type { Peer, ProducerAppData } from '../Peer';
import type { Room } from '../Room';

/** What a node does for its own participants when another node serving the meeting asks (see RoomSpan). */

/** A host control checked on the host's node, for a participant here. */
export function executeHostControl(room: Room, action: 'mute' | 'remove', peerId: string, by: { id: string; displayName: string }): void {
  const target = room.peers.get(peerId);
  if (!target) throw new HostError('not_found', 'no such participant');
  if (action === 'remove') {
    target.channel.notify('peerKicked', { reason: `removed by ${by.displayName}` });
    target.close('kicked');
    target.channel.disconnect();
    return;
  }
  const mic = target.producerBySource('mic');
  if (!mic) throw new HostError('not_found', 'that participant has no microphone');
  if (!mic.paused) room.setProducerPaused(target, mic.id, true);
  room.broadcast('peerMuted', { peerId, producerId: mic.id, byPeerId: by.id });
}

/** A private message for a participant here: to the recipient alone, never into chat history. */
export function deliverPrivate(room: Room, message: PrivateMessage): void {
  const to = room.peers.get(message.toPeerId);
  if (!to || to.closed) throw new HostError('not_found', 'no such participant');
  to.channel.notify('privateMessage', message);
}

/** A producer of a participant here, on the room's home router (piped there from another worker if need be), to send down a pipe. */
export async function localProducer(room: Room, producerId: string): Promise<{ peer: Peer; producer: types.Producer<ProducerAppData> } | undefined> {
  for (const peer of room.peers.values()) {
    const producer = peer.producers.get(producerId);
    if (!producer) continue;
    const placed = room.media.routers.routerOf(peer);
    if (!placed) return undefined;
    await room.media.routers.ensureOn(producer, placed.router, room.router, { pinned: true });
    return { peer, producer };
  }
  return undefined;
}

/** How the meeting's other nodes learn about one of this node's producers. */
export function producerInfo(producer: types.Producer<ProducerAppData>) {
  return { id: producer.id, kind: producer.kind, source: producer.appData.source, paused: producer.paused };
}

/**
 * A participant connected here joined on another node with its token: as on one node, the new connection replaces this one (no `peerLeft`), its token here goes.
 * Only on that node's `peerJoined`, never a roster: it precedes every roster by which this node could have let it back in since.
 */
export function replacedElsewhere(room: Room, peerId: string): void {
  const peer = room.peers.get(peerId);
  if (!peer) return;
  peer.channel.notify('peerKicked', { reason: 'you joined this meeting from another connection' });
  peer.close('replaced');
  room.meetingState.admission.tokens.revoke(peerId);
}

export function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
