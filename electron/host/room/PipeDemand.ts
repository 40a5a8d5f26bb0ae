import type { types } from 'mediasoup';
import type { Logger } from '../logger';

interface Pipe {
  pipeConsumer: types.Consumer;
  /** Consumers of the piped producer on the far router, by id. */
  readers: Map<string, types.Consumer>;
  /** Readers that forward, or are about to (a resume under way). */
  wanting: Set<string>;
  /** Kept flowing whatever the readers (something outside this room's consumers reads it: a node's span). */
  pinned: boolean;
  queue: Promise<void>;
}

/**
 * A pipe between two routers of a room carries media only while a consumer on the far router
 * forwards it. A tile hidden everywhere on that worker, or a participant outside the recent speakers
 * in a selective room, costs both workers nothing: the pipe consumer is paused (mediasoup pauses the
 * pipe producer with it). Without this, every producer of the room crossed every pipe all the time:
 * in a 50-participant room on two workers, 58 pipes at full rate for the 4 audio streams and the
 * shown tiles that were actually forwarded (issue 12's piping cost).
 *
 * A resume waits for the pipe to flow first; the far consumer then asks for a key frame when the
 * pipe producer resumes. Changes to one pipe are queued and computed when they run, so racing
 * pauses and resumes end in the state the latest readers call for.
 */
export class PipeDemand {
  readonly #pipes = new Map<string, Pipe>();
  /** Reader consumer id → its pipe's key. */
  readonly #pipeOfReader = new Map<string, string>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  static key(producerId: string, routerId: string): string {
    return `${producerId}:${routerId}`;
  }

  /** A new pipe (flowing, as pipeToRouter leaves it); it pauses once readers are known and none forwards. */
  add(key: string, pipeConsumer: types.Consumer, pinned: boolean): void {
    const pipe: Pipe = { pipeConsumer, readers: new Map(), wanting: new Set(), pinned, queue: Promise.resolve() };
    this.#pipes.set(key, pipe);
    pipeConsumer.observer.once('close', () => {
      if (this.#pipes.get(key) !== pipe) return;
      this.#pipes.delete(key);
      for (const id of pipe.readers.keys()) this.#pipeOfReader.delete(id);
    });
  }

  /** The pipe must flow whatever its readers do (called again for a pipe that exists: it stays pinned). */
  pin(key: string): Promise<void> {
    const pipe = this.#pipes.get(key);
    if (!pipe) return Promise.resolve();
    pipe.pinned = true;
    return this.#apply(pipe);
  }

  /** `consumer`, on the far router of pipe `key`, reads it: its state now counts. */
  track(key: string, consumer: types.Consumer): Promise<void> {
    const pipe = this.#pipes.get(key);
    if (!pipe || consumer.closed) return Promise.resolve();
    pipe.readers.set(consumer.id, consumer);
    if (!consumer.paused) pipe.wanting.add(consumer.id);
    this.#pipeOfReader.set(consumer.id, key);
    consumer.observer.once('close', () => {
      pipe.readers.delete(consumer.id);
      pipe.wanting.delete(consumer.id);
      this.#pipeOfReader.delete(consumer.id);
      void this.#apply(pipe);
    });
    return this.#apply(pipe);
  }

  /** Call before resuming `consumer`: resolves once its pipe (if any) flows. */
  beforeResume(consumer: types.Consumer): Promise<void> {
    const pipe = this.#pipeFor(consumer);
    if (!pipe) return Promise.resolve();
    pipe.wanting.add(consumer.id);
    return this.#apply(pipe);
  }

  /** Call after pausing `consumer` (or a resume of it that failed): its pipe pauses if nobody else forwards it. */
  afterPause(consumer: types.Consumer): Promise<void> {
    const pipe = this.#pipeFor(consumer);
    if (!pipe) return Promise.resolve();
    if (consumer.paused || consumer.closed) pipe.wanting.delete(consumer.id);
    return this.#apply(pipe);
  }

  /** The consumer end of pipe `key` (its stats say what crosses), for stats and tests. */
  pipeConsumer(key: string): types.Consumer | undefined {
    return this.#pipes.get(key)?.pipeConsumer;
  }

  /** Pipes carrying media now (neither paused here nor by their producer). */
  get flowingCount(): number {
    let count = 0;
    for (const { pipeConsumer } of this.#pipes.values()) if (!pipeConsumer.paused && !pipeConsumer.producerPaused) count++;
    return count;
  }

  #pipeFor(consumer: types.Consumer): Pipe | undefined {
    const key = this.#pipeOfReader.get(consumer.id);
    return key === undefined ? undefined : this.#pipes.get(key);
  }

  #apply(pipe: Pipe): Promise<void> {
    const next = pipe.queue.then(async () => {
      const { pipeConsumer } = pipe;
      if (pipeConsumer.closed) return;
      const wanted = pipe.pinned || pipe.wanting.size > 0;
      if (wanted && pipeConsumer.paused) await pipeConsumer.resume();
      else if (!wanted && !pipeConsumer.paused) await pipeConsumer.pause();
    });
    pipe.queue = next.catch((error: unknown) => {
      if (!pipe.pipeConsumer.closed) this.#logger.warn({ err: error, producerId: pipe.pipeConsumer.producerId }, 'could not pause or resume a pipe');
    });
    return pipe.queue;
  }
}
