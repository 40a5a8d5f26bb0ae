import type { types } from 'mediasoup-client';
import type { NewConsumer } from '../../../shared/protocol';
import { StreamError } from './errors';
import type { Emit } from './events';
import type { MediaEncryption } from './MediaEncryption';
import type { RoomState } from './RoomState';
import type { SignalingClient } from './SignalingClient';
import { withTimeout } from './timeouts';

/** Bound on one local consume (an SDP round on the receive PeerConnection). */
export const CONSUME_TIMEOUT_MS = 10_000;

/**
 * Receives other participants' media: turns the host's consumers into local Consumers and
 * MediaStreams, and keeps receive-side pause and layer choices in step with the host.
 */
export class Subscriber {
  readonly #room: RoomState;
  readonly #signaling: SignalingClient;
  readonly #emit: Emit;
  /** End-to-end decryption of what we receive (set by Conference.mediaEncryption). */
  encryption?: MediaEncryption;

  constructor(room: RoomState, signaling: SignalingClient, emit: Emit) {
    this.#room = room;
    this.#signaling = signaling;
    this.#emit = emit;
  }

  /**
   * Consumes one host consumer on `transport`. A local failure is retried once; a second failure
   * pauses it on the host (no bandwidth for a stream nobody plays) and is reported as `streamFailed`.
   * `stillCurrent` says whether the session that asked is still the live one.
   */
  async consume(transport: types.Transport, data: NewConsumer, stillCurrent: () => boolean): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!stillCurrent() || transport.closed) return;
      try {
        await this.#consumeOnce(transport, data, stillCurrent);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    if (!stillCurrent()) return;
    void this.#signaling.request('pauseConsumer', { consumerId: data.consumerId }).catch(() => undefined);
    const error = new StreamError(data.consumerId, `Could not receive ${data.source} from a participant: ${(lastError as Error)?.message}`, { cause: lastError });
    this.#emit('streamFailed', { participantId: data.peerId, consumerId: data.consumerId, source: data.source, error });
  }

  async #consumeOnce(transport: types.Transport, data: NewConsumer, stillCurrent: () => boolean): Promise<void> {
    const { encryption } = this;
    const consumer = await withTimeout(
      transport.consume({
        id: data.consumerId,
        producerId: data.producerId,
        kind: data.kind,
        rtpParameters: data.rtpParameters as unknown as types.RtpParameters,
        appData: { peerId: data.peerId, source: data.source },
        onRtpReceiver: encryption && ((receiver) => encryption.decryptReceiver(receiver, data.kind, data.peerId)),
      }),
      CONSUME_TIMEOUT_MS,
      () => new Error(`consume took longer than ${CONSUME_TIMEOUT_MS} ms`),
    );
    const participant = this.#room.participants.get(data.peerId);
    if (!participant || !stillCurrent()) {
      // Left meanwhile, or the session was replaced: the consumer belongs to nobody.
      consumer.close();
      return;
    }
    const producer = participant.producers.get(data.producerId);
    if (producer) producer.paused = data.producerPaused;
    else participant.producers.set(data.producerId, { id: data.producerId, kind: data.kind, source: data.source, paused: data.producerPaused });
    const stream = new MediaStream([consumer.track]);
    participant.streams.set(consumer.id, { consumer, source: data.source, stream });
    this.#emit('streamAdded', { participantId: participant.id, consumerId: consumer.id, source: data.source, kind: data.kind, stream });
  }

  remove(consumerId: string): void {
    const found = this.#room.findStream(consumerId);
    if (!found) return;
    const { participant, remote } = found;
    remote.consumer.close();
    participant.streams.delete(consumerId);
    participant.scores.delete(consumerId);
    this.#emit('streamRemoved', { participantId: participant.id, consumerId, source: remote.source });
  }

  removeAllOf(peerId: string): void {
    const participant = this.#room.participants.get(peerId);
    for (const consumerId of [...(participant?.streams.keys() ?? [])]) this.remove(consumerId);
  }

  /** Forgets every stream (the session is gone); participants stay until the next join answer. */
  clear(): void {
    for (const participant of this.#room.participants.values()) {
      for (const [consumerId, remote] of participant.streams) {
        remote.consumer.close();
        this.#emit('streamRemoved', { participantId: participant.id, consumerId, source: remote.source });
      }
      participant.streams.clear();
      participant.scores.clear();
    }
  }

  /** Pause or resume receiving one stream; the local consumer follows only once the host agreed. */
  async setPaused(consumerId: string, paused: boolean): Promise<void> {
    const remote = this.#room.findStream(consumerId)?.remote;
    if (!remote || remote.consumer.closed) return;
    await this.#signaling.request(paused ? 'pauseConsumer' : 'resumeConsumer', { consumerId });
    if (remote.consumer.closed) return;
    if (paused) remote.consumer.pause();
    else remote.consumer.resume();
  }

  async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    await this.#signaling.request('setConsumerPreferredLayers', { consumerId, spatialLayer, temporalLayer });
  }
}
