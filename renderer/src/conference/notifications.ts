import type { NotificationData, NotificationName } from '../../../shared/protocol';
import { InOrder, openChat } from './ChatEncryption';
import type { Emit } from './events';
import type { Publisher } from './Publisher';
import type { RoomState } from './RoomState';
import type { ClientSocket } from './SignalingClient';
import type { Subscriber } from './Subscriber';

/**
 * Room notifications that arrive while a join answer is in flight wait here: socket.io can hand
 * us a `peerJoined` before the join's continuation runs, and the answer's peer list would then
 * erase it. Replayed, in order, once the answer is applied and its consumers exist.
 */
export class NotificationGate {
  #held: (() => void)[] | null = null;

  hold(): void {
    this.#held ??= [];
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const replay of held) replay();
  }

  /** Drops what was held (the join failed: the next join answer brings the full picture). */
  discard(): void {
    this.#held = null;
  }

  run(handler: () => void): void {
    if (this.#held) this.#held.push(handler);
    else handler();
  }
}

/** Routes the host's room notifications to the part that owns each kind of state. */
export function routeRoomNotifications(
  socket: ClientSocket,
  gate: NotificationGate,
  parts: { room: RoomState; subscriber: Subscriber; publisher: Publisher; emit: Emit; onKicked(reason: string): void },
): void {
  const { room, subscriber, publisher, emit } = parts;
  const on = <N extends NotificationName>(event: N, handler: (data: NotificationData<N>) => void) => {
    // socket.io's typed `on` cannot take a handler generic over N; the event map in shared/ types it.
    socket.on(event as 'peerLeft', ((data: NotificationData<N>) => gate.run(() => handler(data))) as never);
  };
  on('consumerClosed', ({ consumerId }) => subscriber.remove(consumerId));
  on('peerJoined', (info) => room.peerJoined(info));
  on('peerLeft', ({ peerId }) => {
    subscriber.removeAllOf(peerId);
    room.peerLeft(peerId);
  });
  on('peerUpdated', (update) => room.peerUpdated(update));
  on('producerPaused', ({ peerId, producerId }) => room.producerChanged(peerId, producerId, 'paused'));
  on('producerResumed', ({ peerId, producerId }) => room.producerChanged(peerId, producerId, 'resumed'));
  on('producerClosed', ({ peerId, producerId }) => room.producerChanged(peerId, producerId, 'closed'));
  on('consumerLayersChanged', (event) => {
    room.consumerLayers(event);
    emit('consumerLayersChanged', event);
  });
  on('consumerScore', (event) => room.consumerScore(event));
  on('consumerScores', ({ scores }) => {
    for (const score of scores) room.consumerScore(score);
  });
  on('activeSpeaker', ({ peerId }) => room.activeSpeaker(peerId));
  // Decrypted one at a time (in an end-to-end encrypted meeting), so they keep their order.
  const chatInOrder = new InOrder();
  on('chatMessage', (message) => chatInOrder.run(() => openChat(publisher.encryption, message), (opened) => room.chat(opened, false)));
  on('handRaised', ({ peerId, raised }) => room.handRaised(peerId, raised));
  on('reaction', ({ peerId, reaction }) => emit('reaction', { participantId: peerId, reaction }));
  on('roomLocked', ({ locked }) => room.roomLocked(locked));
  on('recordingChanged', ({ peerId, recording }) => room.recordingChanged(peerId, recording));
  on('recordingAllowed', ({ allowed }) => room.recordingAllowedChanged(allowed));
  on('peerMuted', ({ peerId, producerId, byPeerId }) => {
    if (peerId !== room.localParticipant.id) return room.producerChanged(peerId, producerId, 'paused');
    publisher.mutedByHost(producerId);
    emit('mutedByHost', { byParticipantId: byPeerId });
  });
  on('peerKicked', ({ reason }) => parts.onKicked(reason));
}
