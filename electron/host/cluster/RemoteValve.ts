import type { types } from 'mediasoup';
import type { PipeValve } from '../room/PipeDemand';

/**
 * What another node sends of one of its producers down the pipe to this node, as a valve this
 * node's PipeDemand opens and closes: closed, the sending node pauses its pipe consumer towards
 * here (`pipeDemand`), and nothing crosses between the nodes. For cameras and screens only: every
 * node observes every mic itself to rank speakers, so a mic's pipe always flows.
 */
export class RemoteValve implements PipeValve {
  readonly #producer: types.Producer;
  readonly #setSending: (flowing: boolean) => Promise<void>;
  #paused = false;

  /** `producer`: the piped producer here; `setSending` asks its node to send it here or stop. */
  constructor(producer: types.Producer, setSending: (flowing: boolean) => Promise<void>) {
    this.#producer = producer;
    this.#setSending = setSending;
  }

  get producerId(): string {
    return this.#producer.id;
  }

  get closed(): boolean {
    return this.#producer.closed;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get producerPaused(): boolean {
    return this.#producer.paused;
  }

  /** Counted as paused from the ask on: a pause whose answer was lost may have happened, and the next resume then asks again. */
  async pause(): Promise<void> {
    this.#paused = true;
    await this.#setSending(false);
  }

  async resume(): Promise<void> {
    await this.#setSending(true);
    this.#paused = false;
  }

  onClose(listener: () => void): void {
    this.#producer.observer.once('close', listener);
  }
}
