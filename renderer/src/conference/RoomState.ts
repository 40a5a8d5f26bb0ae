import type { NotificationData, PeerInfo } from '../../../shared/protocol';
import type { ReceivedChatMessage } from './ChatEncryption';
import type { Emit } from './events';
import { RemoteParticipant } from './RemoteParticipant';

export interface LocalParticipant {
  id: string;
  displayName: string;
  isHost: boolean;
  handRaised: boolean;
}

type ProducerChange = 'paused' | 'resumed' | 'closed';

/**
 * What the client knows about the meeting: who is in it, chat, lock, active speaker. Changed only
 * by the join answer and by the host's notifications; every change is announced with an event.
 */
export class RoomState {
  readonly participants = new Map<string, RemoteParticipant>();
  readonly chatHistory: ReceivedChatMessage[] = [];
  localParticipant: LocalParticipant = { id: '', displayName: '', isHost: false, handRaised: false };
  locked = false;
  /** Participants other than the host may record. */
  recordingAllowed = false;
  activeSpeakerId: string | null = null;
  readonly #emit: Emit;

  constructor(emit: Emit) {
    this.#emit = emit;
  }

  /** Replaces the participant list with the join answer's (a rejoin may have missed joins and leaves). */
  applyJoin(answer: { peerId: string; isHost: boolean; locked: boolean; recordingAllowed?: boolean; peers: PeerInfo[]; chatHistory: ReceivedChatMessage[] }, displayName: string): void {
    this.recordingAllowed = answer.recordingAllowed ?? false;
    this.localParticipant = { id: answer.peerId, displayName, isHost: answer.isHost, handRaised: this.localParticipant.handRaised && this.localParticipant.id === answer.peerId };
    this.locked = answer.locked;
    const present = new Set(answer.peers.map((peer) => peer.id));
    for (const participant of [...this.participants.values()]) {
      if (present.has(participant.id)) continue;
      this.participants.delete(participant.id);
      this.#emit('participantLeft', participant);
    }
    for (const info of answer.peers) {
      const existing = this.participants.get(info.id);
      const participant = new RemoteParticipant(info);
      this.participants.set(info.id, participant);
      this.#emit(existing ? 'participantUpdated' : 'participantJoined', participant);
    }
    if (this.chatHistory.length === 0) this.chatHistory.push(...answer.chatHistory);
  }

  clear(): void {
    this.participants.clear();
  }

  findStream(consumerId: string) {
    for (const participant of this.participants.values()) {
      const remote = participant.streams.get(consumerId);
      if (remote) return { participant, remote };
    }
    return undefined;
  }

  /** A participant joined, or one listed as reconnecting came back (the same participant: updated, not joined). */
  peerJoined(info: PeerInfo): void {
    const existing = this.participants.get(info.id);
    const participant = new RemoteParticipant(info);
    if (!existing) {
      this.participants.set(info.id, participant);
      this.#emit('participantJoined', participant);
      return;
    }
    Object.assign(existing, { displayName: info.displayName, isHost: info.isHost, handRaised: info.handRaised, recording: participant.recording, reconnecting: participant.reconnecting });
    existing.producers.clear();
    // The info lists its producers as they are now: changes kept from before it left are older.
    existing.earlyProducerChanges.clear();
    for (const [id, producer] of participant.producers) existing.producers.set(id, producer);
    this.#emit('participantUpdated', existing);
  }

  /** Removes the participant; its streams must already be gone (the Subscriber's job). */
  peerLeft(peerId: string): void {
    const participant = this.participants.get(peerId);
    if (!participant) return;
    this.participants.delete(peerId);
    this.#emit('participantLeft', participant);
  }

  peerUpdated({ peerId, displayName, isHost, reconnecting }: NotificationData<'peerUpdated'>): void {
    if (peerId === this.localParticipant.id) {
      if (displayName !== undefined) this.localParticipant.displayName = displayName;
      if (isHost !== undefined) this.localParticipant.isHost = isHost;
      this.#emit('localUpdated');
      return;
    }
    const participant = this.participants.get(peerId);
    if (!participant) return;
    if (displayName !== undefined) participant.displayName = displayName;
    if (isHost !== undefined) participant.isHost = isHost;
    if (reconnecting !== undefined) participant.reconnecting = reconnecting;
    this.#emit('participantUpdated', participant);
  }

  producerChanged(peerId: string, producerId: string, change: ProducerChange): void {
    const participant = this.participants.get(peerId);
    const producer = participant?.producers.get(producerId);
    if (!participant) return;
    if (!producer) {
      // Its consumer is still being set up here: the change applies when it arrives.
      if (change === 'closed') participant.earlyProducerChanges.delete(producerId);
      else participant.earlyProducerChanges.set(producerId, change);
      return;
    }
    if (change === 'closed') participant.producers.delete(producerId);
    else producer.paused = change === 'paused';
    this.#emit('participantUpdated', participant);
  }

  consumerScore({ consumerId, score }: NotificationData<'consumerScore'>): void {
    for (const participant of this.participants.values()) {
      if (!participant.streams.has(consumerId)) continue;
      const before = participant.quality;
      participant.scores.set(consumerId, score);
      if (participant.quality !== before) this.#emit('participantUpdated', participant);
    }
  }

  /** The layer the host forwards of a consumer changed (null: none, though the consumer is not paused). */
  consumerLayers({ consumerId, spatialLayer }: NotificationData<'consumerLayersChanged'>): void {
    const found = this.findStream(consumerId);
    if (!found) return;
    const { participant, remote } = found;
    const producer = participant.producers.get(remote.consumer.producerId);
    const starved = spatialLayer === null && !remote.consumer.paused && !producer?.paused;
    if (starved === (remote.starved ?? false)) return;
    remote.starved = starved;
    this.#emit('participantUpdated', participant);
  }

  activeSpeaker(peerId: string | null): void {
    this.activeSpeakerId = peerId;
    this.#emit('activeSpeaker', { participantId: peerId });
  }

  chat(message: ReceivedChatMessage, local: boolean): ReceivedChatMessage {
    this.chatHistory.push(message);
    this.#emit('chatMessage', { ...message, local });
    return message;
  }

  handRaised(peerId: string, raised: boolean): void {
    const participant = this.participants.get(peerId);
    if (participant) participant.handRaised = raised;
    this.#emit('handRaised', { participantId: peerId, raised });
    if (participant) this.#emit('participantUpdated', participant);
  }

  setLocalHand(raised: boolean): void {
    this.localParticipant.handRaised = raised;
    this.#emit('localUpdated');
  }

  setLocalName(displayName: string): void {
    this.localParticipant.displayName = displayName;
    this.#emit('localUpdated');
  }

  roomLocked(locked: boolean): void {
    this.locked = locked;
    this.#emit('roomLocked', locked);
  }

  recordingChanged(peerId: string, recording: boolean): void {
    const participant = this.participants.get(peerId);
    if (!participant) return;
    participant.recording = recording;
    this.#emit('recordingChanged', { participantId: peerId, recording });
    this.#emit('participantUpdated', participant);
  }

  recordingAllowedChanged(allowed: boolean): void {
    this.recordingAllowed = allowed;
    this.#emit('recordingAllowed', allowed);
  }
}
