import type { types } from 'mediasoup';
import { limits } from '../../../shared/limits';
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

  /** Send and receive transports of one participant; the send side capped in incoming bitrate. */
  async createTransports(peerId: string): Promise<[types.WebRtcTransport, types.WebRtcTransport]> {
    const options: types.WebRtcTransportOptions = {
      webRtcServer: this.#slot.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      enableSctp: true,
      appData: { peerId },
    };
    const [send, recv] = await Promise.allSettled([this.#router.createWebRtcTransport(options), this.#router.createWebRtcTransport(options)]);
    if (send.status === 'rejected' || recv.status === 'rejected') {
      for (const result of [send, recv]) if (result.status === 'fulfilled') result.value.close();
      throw send.status === 'rejected' ? send.reason : (recv as PromiseRejectedResult).reason;
    }
    try {
      await send.value.setMaxIncomingBitrate(limits.maxIncomingBitratePerTransport);
    } catch (error) {
      send.value.close();
      recv.value.close();
      throw error;
    }
    return [send.value, recv.value];
  }

  close(reason: Error): void {
    for (const waiter of [...this.#waiters]) waiter.reject(reason);
    if (!this.#router.closed) this.#router.close();
  }
}
