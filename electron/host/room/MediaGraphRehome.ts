import type { types } from 'mediasoup';
import { HostError } from '../errors';
import type { PoolSlot } from '../WorkerPool';

/**
 * The room's router and the worker slot it lives on, across worker deaths: joins that arrive
 * while the router is gone wait (bounded) for the replacement, and are released with an error if
 * the room closes instead.
 */
export class MediaGraphRehome {
  #router: types.Router;
  #slot: PoolSlot;
  #waiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();

  constructor(router: types.Router, slot: PoolSlot) {
    this.#router = router;
    this.#slot = slot;
  }

  get router(): types.Router {
    return this.#router;
  }
  get slot(): PoolSlot {
    return this.#slot;
  }
  get waiting(): boolean {
    return this.#router.closed;
  }

  wait(timeoutMs: number): Promise<void> {
    if (!this.waiting) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => (clearTimeout(timer), this.#waiters.delete(waiter), resolve()),
        reject: (error: Error) => (clearTimeout(timer), this.#waiters.delete(waiter), reject(error)),
      };
      const timer = setTimeout(() => waiter.reject(new HostError('internal', 'the media server is restarting; try again')), timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  moveTo(router: types.Router, slot: PoolSlot): void {
    if (!this.#router.closed) this.#router.close();
    this.#router = router;
    this.#slot = slot;
    for (const waiter of [...this.#waiters]) waiter.resolve();
  }

  close(reason: Error): void {
    for (const waiter of [...this.#waiters]) waiter.reject(reason);
    if (!this.#router.closed) this.#router.close();
  }
}
