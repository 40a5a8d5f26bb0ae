import type { types } from 'mediasoup';
import type { Logger } from '../logger';
import type { ConsumerAppData } from '../Peer';
import type { PipeDemand } from './PipeDemand';
import type { SpeakerTracker } from './SpeakerTracker';

export interface ForwardingOptions {
  /** From this many participants on, the room forwards selectively (last-N). */
  minPeers: number;
  /** The pipes between the room's routers: a consumer's pipe flows before it resumes, and pauses after it when nobody else reads it. */
  pipes?: Pick<PipeDemand, 'beforeResume' | 'afterPause'>;
}

type Consumer = types.Consumer<ConsumerAppData>;

/**
 * Which consumers forward media. In a small room: every consumer the client has not paused. From
 * `minPeers` participants on (Jitsi's last-N, LiveKit's selective subscription):
 *   - video flows for the tiles the client shows (it pauses hidden ones) plus the recent speakers;
 *   - audio flows only from the recent speakers, plus any the client explicitly resumed (pinned);
 *   - a client's pause always wins for audio, a client's resume always wins for both.
 * A consumer's state is applied through one queue per consumer, computed when it runs, so racing
 * decisions (speaker change, client request) end in the state the latest facts call for.
 */
export class Forwarding {
  readonly #clientChoice = new Map<string, 'paused' | 'resumed'>();
  readonly #queues = new Map<string, Promise<void>>();
  /** Announced to the client but not yet acked: no RTP may flow before the client has it. */
  readonly #undelivered = new Set<string>();
  readonly #speakers: SpeakerTracker;
  readonly #options: ForwardingOptions;
  readonly #logger: Logger;
  #roomSize = 0;

  constructor(speakers: SpeakerTracker, options: ForwardingOptions, logger: Logger) {
    this.#speakers = speakers;
    this.#options = options;
    this.#logger = logger;
  }

  get selective(): boolean {
    return this.#roomSize >= this.#options.minPeers;
  }

  /** Updates the room size; true when that switched selective forwarding on or off. */
  setRoomSize(size: number): boolean {
    const before = this.selective;
    this.#roomSize = size;
    return before !== this.selective;
  }

  /** Whether a consumer of `producerPeerId`'s `kind` media should forward, given what the client said. */
  wants(consumerId: string | undefined, kind: types.MediaKind, producerPeerId: string): boolean {
    if (consumerId !== undefined && this.#undelivered.has(consumerId)) return false;
    const choice = consumerId === undefined ? undefined : this.#clientChoice.get(consumerId);
    if (choice === 'resumed') return true;
    if (!this.selective) return choice !== 'paused';
    const speaker = this.#speakers.isRecent(producerPeerId);
    if (kind === 'audio') return choice !== 'paused' && speaker;
    return choice !== 'paused' || speaker;
  }

  /** `consumer` (created paused) waits for the client's ack; call `delivered` or close it. */
  hold(consumer: Consumer): void {
    this.#undelivered.add(consumer.id);
    consumer.observer.once('close', () => this.#undelivered.delete(consumer.id));
  }

  delivered(consumer: Consumer): Promise<void> {
    this.#undelivered.delete(consumer.id);
    return this.apply(consumer);
  }

  /** A pause or resume the client asked for (a tile hidden or shown, a pin). */
  async setClientChoice(consumer: Consumer, paused: boolean): Promise<void> {
    if (!this.#clientChoice.has(consumer.id)) consumer.observer.once('close', () => this.#clientChoice.delete(consumer.id));
    this.#clientChoice.set(consumer.id, paused ? 'paused' : 'resumed');
    await this.apply(consumer);
  }

  /** Brings `consumer` to the state the policy wants (queued behind earlier changes to it). */
  apply(consumer: Consumer): Promise<void> {
    const previous = this.#queues.get(consumer.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (consumer.closed) return;
      const want = this.wants(consumer.id, consumer.kind, consumer.appData.producerPeerId);
      const pipes = this.#options.pipes;
      if (want && consumer.paused) {
        await pipes?.beforeResume(consumer);
        // A resume that fails leaves the pipe to the others' needs again.
        await consumer.resume().catch(async (error: unknown) => {
          await pipes?.afterPause(consumer);
          throw error;
        });
      } else if (!want && !consumer.paused) {
        await consumer.pause();
        await pipes?.afterPause(consumer);
      }
    });
    const settled = next.catch((error: unknown) => {
      // NotFoundError: the worker closed it already (its transport went) and the close is on its way here.
      if (!consumer.closed && (error as Error).name !== 'NotFoundError') this.#logger.warn({ err: error, consumerId: consumer.id }, 'could not apply forwarding');
    });
    this.#queues.set(consumer.id, settled);
    void settled.then(() => {
      if (this.#queues.get(consumer.id) === settled) this.#queues.delete(consumer.id);
    });
    return next;
  }

  /** Re-applies the policy to every consumer (speakers changed, or selective forwarding switched). */
  applyAll(consumers: Iterable<Consumer>): void {
    for (const consumer of consumers) {
      if (consumer.closed) continue;
      const want = this.wants(consumer.id, consumer.kind, consumer.appData.producerPeerId);
      if (want === consumer.paused || this.#queues.has(consumer.id)) void this.apply(consumer).catch(() => undefined);
    }
  }
}
