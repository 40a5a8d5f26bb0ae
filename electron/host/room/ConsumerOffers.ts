import type { types } from 'mediasoup';
import { limits } from '../../../shared/limits';
import type { ConsumerTakeResult } from '../../../shared/protocol';
import type { Logger } from '../logger';
import type { ConsumerAppData, Peer } from '../Peer';
import { announce } from './ConsumerFactory';
import { scoreReportsFor } from './ScoreReports';

type Consumer = types.Consumer<ConsumerAppData>;

export interface ConsumerOffersOptions {
  /** Consumers for one receiver that arrive within this window go out in one offer. */
  coalesceMs: number;
  /** Offers of one consumer before the host gives up on it (closes it; the client reports the last failure). */
  maxAttempts: number;
  /** Wait before offering again after a failure: this, doubled per failed attempt. */
  retryBaseMs: number;
  /** The client must answer an offer within this, plus `ackMsPerConsumer` per consumer in it (doubled per retry). */
  ackTimeoutMs: number;
  ackMsPerConsumer: number;
}

export const defaultOfferOptions: ConsumerOffersOptions = { coalesceMs: 15, maxAttempts: 4, retryBaseMs: 500, ackTimeoutMs: 10_000, ackMsPerConsumer: 100 };

interface Waiting {
  consumer: Consumer;
  attempt: number;
}

/** One receiver's offers: what waits to go out, whether an offer is on its way, the retries pending. */
interface Queue {
  readonly waiting: Map<string, Waiting>;
  inFlight: boolean;
  flush?: NodeJS.Timeout;
  readonly retries: Set<NodeJS.Timeout>;
}

/**
 * Offers the host's consumers to their receivers, batched: the consumers for one receiver that
 * arrive within a short window — or while its previous offer is still unanswered — go out as one
 * `newConsumers` message, which the client takes in one SDP round and answers per consumer. One
 * offer in flight per receiver: a slow client gets fewer, larger offers instead of a queue of them.
 * A consumer the client did not take (it failed, or the answer timed out) is offered again after a
 * back-off, up to `maxAttempts` times; the client answers an offer of a consumer it already has (or
 * is still creating) from that, so a late answer never duplicates a stream. One the client can no
 * longer take (`renew`) is replaced by a new consumer of the same producer instead. After the last
 * attempt the consumer is closed.
 */
export interface ConsumerOffersHandlers {
  /** The client took `consumer`: it may forward. */
  taken(consumer: Consumer): Promise<void>;
  /** The client cannot take `consumer` again (its answer said `renew`): replace it with a new consumer, offered as `attempt`. */
  renew(peer: Peer, consumer: Consumer, attempt: number): void;
}

export class ConsumerOffers {
  readonly #queues = new Map<Peer, Queue>();
  readonly #handlers: ConsumerOffersHandlers;
  readonly #options: ConsumerOffersOptions;
  readonly #logger: Logger;

  constructor(handlers: ConsumerOffersHandlers, logger: Logger, options: Partial<ConsumerOffersOptions> = {}) {
    this.#handlers = handlers;
    this.#logger = logger;
    this.#options = { ...defaultOfferOptions, ...options };
  }

  /** Queues `consumer` (created paused, held by the forwarding policy) for `peer`. */
  offer(peer: Peer, consumer: Consumer, attempt = 1): void {
    if (peer.closed || consumer.closed) return;
    const queue = this.#queueOf(peer);
    queue.waiting.set(consumer.id, { consumer, attempt });
    this.#schedule(peer, queue);
  }

  /** Offers waiting or in flight, for tests and stats. */
  get pending(): number {
    let count = 0;
    for (const queue of this.#queues.values()) count += queue.waiting.size;
    return count;
  }

  close(): void {
    for (const queue of this.#queues.values()) this.#clear(queue);
    this.#queues.clear();
  }

  #queueOf(peer: Peer): Queue {
    let queue = this.#queues.get(peer);
    if (!queue) {
      const created: Queue = { waiting: new Map(), inFlight: false, retries: new Set() };
      this.#queues.set(peer, created);
      peer.once('close', () => {
        this.#clear(created);
        this.#queues.delete(peer);
      });
      queue = created;
    }
    return queue;
  }

  #clear(queue: Queue): void {
    if (queue.flush) clearTimeout(queue.flush);
    queue.flush = undefined;
    for (const timer of queue.retries) clearTimeout(timer);
    queue.retries.clear();
    queue.waiting.clear();
  }

  #schedule(peer: Peer, queue: Queue): void {
    if (queue.inFlight || queue.flush || queue.waiting.size === 0) return;
    queue.flush = setTimeout(() => {
      queue.flush = undefined;
      void this.#send(peer, queue);
    }, this.#options.coalesceMs);
  }

  async #send(peer: Peer, queue: Queue): Promise<void> {
    if (peer.closed || this.#queues.get(peer) !== queue) return;
    const batch: Waiting[] = [];
    for (const [id, waiting] of queue.waiting) {
      if (batch.length >= limits.maxConsumersPerOffer) break;
      queue.waiting.delete(id);
      if (!waiting.consumer.closed) batch.push(waiting);
    }
    if (batch.length === 0) return;
    queue.inFlight = true;
    const { maxAttempts, ackTimeoutMs, ackMsPerConsumer } = this.#options;
    let results = new Map<string, ConsumerTakeResult>();
    let failure = '';
    try {
      // producerPaused as it is now: it may have changed since the consumer was created.
      const offers = batch.map(({ consumer, attempt }) => ({ ...announce(consumer), ...(attempt >= maxAttempts ? { lastOffer: true } : {}) }));
      // A client that was too slow to answer gets longer each time: offering again does not make it faster.
      const retry = Math.max(...batch.map((w) => w.attempt)) - 1;
      const answered = await peer.channel.offerConsumers(offers, (ackTimeoutMs + ackMsPerConsumer * batch.length) * 2 ** retry);
      results = new Map(answered.map((result) => [result.consumerId, result]));
    } catch (error) {
      failure = (error as Error).message;
    } finally {
      queue.inFlight = false;
    }
    if (peer.closed) return;
    for (const { consumer, attempt } of batch) {
      if (consumer.closed) continue;
      const result = results.get(consumer.id);
      if (result?.ok) {
        scoreReportsFor(peer).taken(consumer.id);
        this.#handlers.taken(consumer).catch(() => undefined);
        continue;
      }
      const why = result?.error ?? (failure || 'no answer for it');
      if (attempt >= maxAttempts) {
        this.#logger.warn({ peerId: peer.id, consumerId: consumer.id, attempts: attempt, reason: why }, 'client did not take consumer after every offer; closing it');
        consumer.close();
        peer.channel.notify('consumerClosed', { consumerId: consumer.id });
        continue;
      }
      const renew = result?.renew === true;
      this.#logger.debug({ peerId: peer.id, consumerId: consumer.id, attempt, reason: why, renew }, 'client did not take consumer; offering it again');
      const timer = setTimeout(() => {
        queue.retries.delete(timer);
        if (renew) this.#handlers.renew(peer, consumer, attempt + 1);
        else this.offer(peer, consumer, attempt + 1);
      }, this.#options.retryBaseMs * 2 ** (attempt - 1));
      queue.retries.add(timer);
    }
    this.#schedule(peer, queue);
  }
}
