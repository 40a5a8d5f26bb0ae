import type { types } from 'mediasoup-client';
import { limits } from '../../../shared/limits';
import type { ConsumerTakeResult, NewConsumer } from '../../../shared/protocol';
import { StreamError } from './errors';
import type { Emit } from './events';
import type { MediaEncryption } from './MediaEncryption';
import type { RoomState } from './RoomState';
import type { SignalingClient } from './SignalingClient';
import { withTimeout } from './timeouts';

/** Bound on one local consume (an SDP round on the receive PeerConnection). */
export const CONSUME_TIMEOUT_MS = 10_000;

/** How many closed consumer ids are remembered (the host never reuses one; a late offer comes within seconds). */
const MAX_REMEMBERED_CLOSED = 2_000;

export interface SubscriberOptions {
  /**
   * The receive transport failed a whole offer at the SDP level (its PeerConnection is unusable):
   * rebuild the session's transports. Called at most once until a consumer is taken again.
   */
  onReceiveBroken(reason: string): void;
  /** Bound on the host's answer for one consume (default CONSUME_TIMEOUT_MS). */
  consumeTimeoutMs?: number;
}

/**
 * A failure of the receive PeerConnection itself: it refused the SDP mediasoup-client gave it.
 * Anything else (bad parameters, a closed transport, a timeout on a busy machine) is one consumer's.
 */
function isSdpFailure(error: Error | undefined): boolean {
  if (!error || error.name === 'TimeoutError') return false;
  // 'no media section found for reuseMid': mediasoup-client's own SDP state is out of step.
  return error.name === 'OperationError' || error.name === 'InvalidAccessError' || /\bsdp\b|session description|media section/i.test(error.message ?? '');
}

/**
 * Whether a failed consume may have left its media section in mediasoup-client's SDP: anything but
 * the checks mediasoup-client makes before touching it (invalid or unsupported RTP parameters).
 */
function mayHaveLeftSection(error: Error | undefined): boolean {
  return error?.name !== 'UnsupportedError' && error?.name !== 'TypeError';
}

interface Outcome {
  result: ConsumerTakeResult;
  /** Failed in the receive PeerConnection (SDP), not because of this consumer. */
  sdpFailure?: boolean;
  /** Newly attempted for this offer (not answered from an earlier one). */
  fresh: boolean;
}

/**
 * Receives other participants' media: takes the host's consumer offers (the join answer's, and
 * `newConsumers` batches) into local Consumers and MediaStreams, one SDP round per offer, and keeps
 * receive-side pause and layer choices in step with the host.
 *
 * Taking is idempotent per consumer id: the host offers again what a client did not take in time,
 * and an offer of a consumer that exists (or is being created) is answered from that, never twice.
 */
export class Subscriber {
  readonly #room: RoomState;
  readonly #signaling: SignalingClient;
  readonly #emit: Emit;
  /** End-to-end decryption of what we receive (set by Conference.mediaEncryption). */
  encryption?: MediaEncryption;
  readonly #options: SubscriberOptions;
  readonly #taking = new Map<string, Promise<Outcome>>();
  /**
   * Consumers whose consume failed after mediasoup-client may have added their media section to the
   * receive transport's SDP, where it stays: taking one again would repeat its mid ("Duplicate a=mid
   * value", and the receive side would need a rebuild). Answered with `renew`: the host offers a new consumer.
   */
  readonly #spoiled = new Set<string>();
  /**
   * Consumers the host closed (the last MAX_REMEMBERED_CLOSED): an offer of one that arrives after
   * its close (a batch the host sent again, delivered late) is refused, never consumed: a second
   * consume of one id repeats its mid in the receive SDP ("Duplicate a=mid value").
   */
  readonly #closedByHost = new Set<string>();
  #rebuildAllowed = true;

  constructor(room: RoomState, signaling: SignalingClient, emit: Emit, options: SubscriberOptions) {
    this.#room = room;
    this.#signaling = signaling;
    this.#emit = emit;
    this.#options = options;
  }

  /**
   * The join answer's consumers (already forwarding on the host): audio first, video a macrotask
   * later, because mediasoup-client batches consumes of one tick into one renegotiation and a small
   * audio-only first SDP lets DTLS start while video is negotiated. Those not taken are handed back
   * to the host, which offers them again.
   */
  async takeJoinAnswer(transport: types.Transport, consumers: NewConsumer[], stillCurrent: () => boolean, held = false): Promise<void> {
    // Held by the host (the transport was connected in the lobby): each round's streams flow once it is told they were taken.
    const taking = (offer: NewConsumer[]) => this.take(transport, offer, stillCurrent).then((results) => (held ? this.#tellTaken(results, stillCurrent) : results));
    const audio = consumers.filter((data) => data.kind === 'audio');
    const first = taking(audio);
    if (audio.length > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    const video = taking(consumers.filter((data) => data.kind !== 'audio'));
    const results = [...(await first), ...(await video)];
    const failed = results.filter((r) => !r.ok);
    if (failed.length === 0 || !stillCurrent()) return;
    const renew = failed.filter((r) => r.renew).map((r) => r.consumerId);
    const request = { consumerIds: failed.map((r) => r.consumerId), ...(renew.length > 0 ? { renew } : {}) };
    void this.#signaling.request('reofferConsumers', request).catch(() => undefined);
  }

  #tellTaken(results: ConsumerTakeResult[], stillCurrent: () => boolean): ConsumerTakeResult[] {
    const consumerIds = results.filter((r) => r.ok).map((r) => r.consumerId);
    for (let i = 0; i < consumerIds.length && stillCurrent(); i += limits.maxConsumersPerOffer) {
      // A lost answer is a lost connection, which the reconnection repairs.
      void this.#signaling.request('consumersTaken', { consumerIds: consumerIds.slice(i, i + limits.maxConsumersPerOffer) }).catch(() => undefined);
    }
    return results;
  }

  /** Takes one offer: every consumer in it created in the same tick (one SDP round); a result per consumer. */
  async take(transport: types.Transport, offer: NewConsumer[], stillCurrent: () => boolean): Promise<ConsumerTakeResult[]> {
    if (offer.length === 0) return [];
    const outcomes = await Promise.all(offer.map((data) => this.#takeOne(transport, data, stillCurrent)));
    const fresh = outcomes.filter((o) => o.fresh);
    if (fresh.some((o) => o.result.ok)) this.#rebuildAllowed = true;
    const broken = fresh.length > 0 && fresh.every((o) => o.sdpFailure) && stillCurrent() && !transport.closed;
    if (broken && this.#rebuildAllowed) {
      this.#rebuildAllowed = false;
      const reason = `receiving media failed (${fresh[0]!.result.error})`;
      // A macrotask later: a join in progress has reached `connected` by then, and a rebuild can start.
      setTimeout(() => this.#options.onReceiveBroken(reason), 0);
      return outcomes.map((o) => o.result);
    }
    if (stillCurrent()) {
      offer.forEach((data, i) => {
        const outcome = outcomes[i]!;
        if (data.lastOffer && outcome.fresh && !outcome.result.ok) this.#reportFailure(data, outcome);
      });
    }
    return outcomes.map((o) => o.result);
  }

  #reportFailure(data: NewConsumer, outcome: Outcome): void {
    const reason = outcome.sdpFailure ? 'receive_transport_failed' : 'consume_failed';
    const error = new StreamError(data.consumerId, `Could not receive ${data.source} from a participant: ${outcome.result.error}`, { reason });
    this.#emit('streamFailed', { participantId: data.peerId, consumerId: data.consumerId, source: data.source, error });
  }

  #takeOne(transport: types.Transport, data: NewConsumer, stillCurrent: () => boolean): Promise<Outcome> {
    const ok = (fresh: boolean): Outcome => ({ result: { consumerId: data.consumerId, ok: true }, fresh });
    if (this.#room.findStream(data.consumerId)) return Promise.resolve(ok(false));
    if (this.#closedByHost.has(data.consumerId)) {
      return Promise.resolve({ result: { consumerId: data.consumerId, ok: false, error: 'closed by the host' }, fresh: false });
    }
    if (this.#spoiled.has(data.consumerId)) {
      return Promise.resolve({ result: { consumerId: data.consumerId, ok: false, error: 'an earlier consume of it failed', renew: true }, fresh: false });
    }
    const inFlight = this.#taking.get(data.consumerId);
    if (inFlight) {
      return this.#bounded(inFlight, data.consumerId).then((outcome) => ({ ...outcome, fresh: false }));
    }
    if (!stillCurrent() || transport.closed) {
      return Promise.resolve({ result: { consumerId: data.consumerId, ok: false, error: 'session replaced' }, fresh: false });
    }
    const { encryption } = this;
    const consuming = transport.consume({
      id: data.consumerId,
      producerId: data.producerId,
      kind: data.kind,
      rtpParameters: data.rtpParameters as unknown as types.RtpParameters,
      appData: { peerId: data.peerId, source: data.source },
      onRtpReceiver: encryption && ((receiver) => encryption.decryptReceiver(receiver, data.kind, data.peerId)),
    });
    const created = consuming.then(
      (consumer): Outcome => {
        if (this.#added(consumer, data, stillCurrent)) return ok(true);
        // Closed here, its media section stays: the same consumer (same mid) again would repeat it.
        this.#spoiled.add(data.consumerId);
        return { result: { consumerId: data.consumerId, ok: false, error: 'closed on arrival (its participant or session is gone)', renew: true }, fresh: true };
      },
      (error: Error): Outcome => {
        const renew = mayHaveLeftSection(error);
        if (renew) this.#spoiled.add(data.consumerId);
        return {
          result: { consumerId: data.consumerId, ok: false, error: error?.message ?? String(error), ...(renew ? { renew } : {}) },
          sdpFailure: isSdpFailure(error) && !transport.closed,
          fresh: true,
        };
      },
    );
    // A consume that outlives the host's answer keeps going, and stays the one for this consumer:
    // the host offers it again with the same mid, and a second consume of it would give the
    // receive PeerConnection two media sections with one mid, which breaks mediasoup-client's SDP
    // state for every later consume ("no media section found for reuseMid"). Created late, it is
    // kept if the host still offers it, and dropped when the host closes it (`remove`).
    this.#taking.set(data.consumerId, created);
    void created.finally(() => this.#taking.delete(data.consumerId));
    return this.#bounded(created, data.consumerId);
  }

  /** `creating`, or a failed outcome (not an SDP failure) once the host's answer is due. */
  #bounded(creating: Promise<Outcome>, consumerId: string): Promise<Outcome> {
    const ms = this.#options.consumeTimeoutMs ?? CONSUME_TIMEOUT_MS;
    return withTimeout(creating, ms, () => new Error(`consume took longer than ${ms} ms`)).catch(
      (error: Error): Outcome => ({ result: { consumerId, ok: false, error: error.message }, fresh: true }),
    );
  }

  /** Keeps a new consumer as its participant's stream; false when it was closed instead. */
  #added(consumer: types.Consumer, data: NewConsumer, stillCurrent: () => boolean): boolean {
    const participant = this.#room.participants.get(data.peerId);
    // Closed by the host while it was being created here: dropped as soon as it exists.
    if (!participant || !stillCurrent() || this.#closedByHost.has(consumer.id)) {
      // Left or closed meanwhile, or the session was replaced: the consumer belongs to nobody.
      consumer.close();
      return false;
    }
    const early = participant.earlyProducerChanges.get(data.producerId);
    participant.earlyProducerChanges.delete(data.producerId);
    const paused = early === undefined ? data.producerPaused : early === 'paused';
    const producer = participant.producers.get(data.producerId);
    if (producer) producer.paused = paused;
    else participant.producers.set(data.producerId, { id: data.producerId, kind: data.kind, source: data.source, paused });
    const stream = new MediaStream([consumer.track]);
    participant.streams.set(consumer.id, { consumer, source: data.source, stream });
    this.#emit('streamAdded', { participantId: participant.id, consumerId: consumer.id, source: data.source, kind: data.kind, stream });
    return true;
  }

  /** The host closed this consumer (or its participant left). */
  remove(consumerId: string): void {
    this.#rememberClosed(consumerId);
    const found = this.#room.findStream(consumerId);
    if (!found) return;
    const { participant, remote } = found;
    remote.consumer.close();
    participant.streams.delete(consumerId);
    participant.scores.delete(consumerId);
    this.#emit('streamRemoved', { participantId: participant.id, consumerId, source: remote.source });
  }

  #rememberClosed(consumerId: string): void {
    this.#closedByHost.add(consumerId);
    if (this.#closedByHost.size > MAX_REMEMBERED_CLOSED) this.#closedByHost.delete(this.#closedByHost.values().next().value!);
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
    // The host's "no layer" for our own pause is no starvation; after a resume it reports layers anew.
    remote.starved = false;
    if (remote.consumer.closed) return;
    if (paused) remote.consumer.pause();
    else remote.consumer.resume();
  }

  async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    await this.#signaling.request('setConsumerPreferredLayers', { consumerId, spatialLayer, temporalLayer });
  }
}
