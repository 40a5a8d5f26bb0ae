import type { types } from 'mediasoup';
import type { Logger } from '../logger';

/**
 * What lets a piped producer's media into a router, or stops it: the pipe consumer of a pipe
 * between two workers, or the sending end on another node (cluster/RemoteValve).
 */
export interface PipeValve {
  readonly producerId: string;
  readonly closed: boolean;
  /** Stopped here (by demand). */
  readonly paused: boolean;
  /** Stopped at its origin (the sender paused). */
  readonly producerPaused: boolean;
  pause(): Promise<void>;
  resume(): Promise<void>;
  onClose(listener: () => void): void;
}

/** A pipe consumer between two workers as a valve. */
export function consumerValve(consumer: types.Consumer): PipeValve {
  return {
    producerId: consumer.producerId,
    get closed() {
      return consumer.closed;
    },
    get paused() {
      return consumer.paused;
    },
    get producerPaused() {
      return consumer.producerPaused;
    },
    pause: () => consumer.pause(),
    resume: () => consumer.resume(),
    onClose: (listener) => void consumer.observer.once('close', listener),
  };
}

interface Pipe {
  valve: PipeValve;
  /** The pipe consumer, when the pipe starts on a router of this room: it reads its own source, which may be behind a valve too. */
  consumer?: types.Consumer;
  /** Consumers of the piped producer on the far router, by id. */
  readers: Map<string, types.Consumer>;
  /** Readers that forward, or are about to (a resume under way). */
  wanting: Set<string>;
  /** Kept flowing whatever the readers (something outside this room's consumers reads it: a node's span). */
  pinned: boolean;
  queue: Promise<void>;
}

/**
 * A pipe into a router of a room carries media only while a consumer on that router forwards it.
 * A tile hidden everywhere on that worker, or a participant outside the recent speakers in a
 * selective room, costs nothing to send there: the pipe's valve is closed (between workers the pipe
 * consumer is paused, and mediasoup pauses the pipe producer with it). Without this, every producer
 * of the room crossed every pipe all the time: in a 50-participant room on two workers, 58 pipes at
 * full rate for the 4 audio streams and the shown tiles that were actually forwarded (issue 12).
 *
 * A resume waits for the pipe to flow first (and a pipe for its own source's pipe); the consumer
 * then asks for a key frame through it. Changes to one pipe are queued and computed when they run,
 * so racing pauses and resumes end in the state the latest readers call for.
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

  /**
   * A new pipe (flowing, as it opens); it pauses once readers are known and none forwards.
   * `consumer`: the pipe consumer of a pipe between two routers of this room.
   */
  add(key: string, valve: PipeValve, options: { pinned?: boolean; consumer?: types.Consumer } = {}): void {
    const pipe: Pipe = { valve, consumer: options.consumer, readers: new Map(), wanting: new Set(), pinned: options.pinned ?? false, queue: Promise.resolve() };
    this.#pipes.set(key, pipe);
    valve.onClose(() => {
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

  /** The pipe consumer of pipe `key` between two routers of this room (its stats say what crosses), for tests. */
  pipeConsumer(key: string): types.Consumer | undefined {
    return this.#pipes.get(key)?.consumer;
  }

  /** Pipes carrying media now (neither paused here nor by their producer). */
  get flowingCount(): number {
    let count = 0;
    for (const { valve } of this.#pipes.values()) if (!valve.paused && !valve.producerPaused) count++;
    return count;
  }

  #pipeFor(consumer: types.Consumer): Pipe | undefined {
    const key = this.#pipeOfReader.get(consumer.id);
    return key === undefined ? undefined : this.#pipes.get(key);
  }

  #apply(pipe: Pipe): Promise<void> {
    const next = pipe.queue.then(async () => {
      const { valve, consumer } = pipe;
      if (valve.closed) return;
      const wanted = pipe.pinned || pipe.wanting.size > 0;
      if (wanted && valve.paused) {
        // The pipe consumer reads its source on its own router: that source's pipe must flow first.
        if (consumer) await this.beforeResume(consumer);
        await valve.resume();
      } else if (!wanted && !valve.paused) {
        await valve.pause();
        if (consumer) await this.afterPause(consumer);
      }
    });
    pipe.queue = next.catch((error: unknown) => {
      if (!pipe.valve.closed) this.#logger.warn({ err: error, producerId: pipe.valve.producerId }, 'could not pause or resume a pipe');
    });
    return pipe.queue;
  }
}
