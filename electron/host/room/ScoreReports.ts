import { limits } from '../../../shared/limits';
import type { NotificationData } from '../../../shared/protocol';
import { qualityLevel, type QualityLevel } from '../../../shared/quality';
import type { Peer, PeerChannel } from '../Peer';

type Score = NotificationData<'consumerScore'>;

/** Level changes of one receiver's consumers within this long go out as one message. */
export const SCORE_REPORT_INTERVAL_MS = 300;

/**
 * The consumer scores one receiver's client is told. mediasoup reports a score whenever it moves
 * (every second or so per consumer, 9 ↔ 10 under the slightest loss), but the client shows only a
 * quality level (good / fair / poor, shared/quality.ts; a tile shows its consumers' lowest). So a
 * score is sent only when its consumer's level changes, and the changes of several consumers within
 * `SCORE_REPORT_INTERVAL_MS` go out together: one `consumerScores` message to a client that joined
 * with `scoreBatches`, one `consumerScore` each to an older client.
 */
export class ScoreReports {
  readonly #channel: PeerChannel;
  readonly #batches: boolean;
  readonly #intervalMs: number;
  /** The level the client was last told, per consumer. */
  readonly #told = new Map<string, QualityLevel>();
  readonly #pending = new Map<string, Score>();
  /** The latest score per consumer, told or not. */
  readonly #latest = new Map<string, Score>();
  #timer?: NodeJS.Timeout;
  #closed = false;

  constructor(channel: PeerChannel, options: { batches: boolean; intervalMs?: number }) {
    this.#channel = channel;
    this.#batches = options.batches;
    this.#intervalMs = options.intervalMs ?? SCORE_REPORT_INTERVAL_MS;
  }

  report(score: Score): void {
    if (this.#closed) return;
    this.#latest.set(score.consumerId, score);
    // A change that reverts before it was sent is no change for the client.
    if (qualityLevel(score.score) === this.#told.get(score.consumerId)) this.#pending.delete(score.consumerId);
    else this.#pending.set(score.consumerId, score);
    if (this.#pending.size > 0) this.#timer ??= setTimeout(() => this.#flush(), this.#intervalMs);
  }

  /**
   * The client took an offered consumer: a score told before that was dropped by the client (it
   * did not know the consumer yet), so the latest one is told again.
   */
  taken(consumerId: string): void {
    this.#told.delete(consumerId);
    const latest = this.#latest.get(consumerId);
    if (latest) this.report(latest);
  }

  /** The consumer closed: nothing more to tell about it. */
  forget(consumerId: string): void {
    this.#latest.delete(consumerId);
    this.#told.delete(consumerId);
    this.#pending.delete(consumerId);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#pending.clear();
    this.#told.clear();
    this.#latest.clear();
  }

  #flush(): void {
    this.#timer = undefined;
    const scores = [...this.#pending.values()];
    this.#pending.clear();
    for (const score of scores) this.#told.set(score.consumerId, qualityLevel(score.score));
    if (!this.#batches) {
      for (const score of scores) this.#channel.notify('consumerScore', score);
      return;
    }
    for (let i = 0; i < scores.length; i += limits.maxConsumersPerOffer) {
      this.#channel.notify('consumerScores', { scores: scores.slice(i, i + limits.maxConsumersPerOffer) });
    }
  }
}

const reports = new WeakMap<Peer, ScoreReports>();

/** The receiving peer's reports, made on first use and closed with the peer. */
export function scoreReportsFor(peer: Peer): ScoreReports {
  let existing = reports.get(peer);
  if (!existing) {
    const created = new ScoreReports(peer.channel, { batches: peer.channel.scoreBatches === true });
    reports.set(peer, created);
    peer.once('close', () => created.close());
    existing = created;
  }
  return existing;
}
