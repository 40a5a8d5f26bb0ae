import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from './logger';
import { HostError } from './errors';
import { mediaCodecs } from './mediaCodecs';

export interface PoolSlot {
  readonly index: number;
  /** UDP and TCP port of this slot's WebRtcServer. Stable across worker replacements. */
  readonly port: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /** False from the worker's death until its replacement is up: never place anything on it then. */
  alive: boolean;
  /** Routers, producers and consumers currently on this worker (placement load). */
  routers: number;
  producers: number;
  consumers: number;
}

export interface WorkerPoolOptions {
  size: number;
  listenIp: string;
  announcedIp: string;
  basePort: number;
  logger: Logger;
}

type WorkerPoolEvents = {
  /** A worker died; its rooms may move to another live slot now, or wait for `workerReplaced`. */
  workerDied: [slot: PoolSlot];
  /** A worker died and `slot` now holds its replacement. Rooms on the dead worker must move. */
  workerReplaced: [slot: PoolSlot, deadPid: number];
};

const RESPAWN_BACKOFF_MS = [0, 500, 2_000, 5_000];

/**
 * mediasoup workers, one WebRtcServer each (one UDP+TCP port per worker, so a firewall needs a
 * small fixed range). A dead worker is replaced in its slot, on the same port; the process never
 * exits because a worker died.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #slots: PoolSlot[] = [];
  readonly #options: WorkerPoolOptions;
  #closed = false;
  #routerRtpCapabilities?: types.RtpCapabilities;

  private constructor(options: WorkerPoolOptions) {
    super();
    this.#options = options;
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      for (let index = 0; index < options.size; index++) {
        const port = options.basePort === 0 ? 0 : options.basePort + index;
        pool.#slots.push(await pool.#startSlot(index, port));
      }
      const probe = await pool.#slots[0]!.worker.createRouter({ mediaCodecs });
      pool.#routerRtpCapabilities = probe.rtpCapabilities;
      probe.close();
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get slots(): readonly PoolSlot[] {
    return this.#slots;
  }

  get ports(): number[] {
    return this.#slots.map((slot) => slot.port);
  }

  /** Every router gets the same codecs, so one set of capabilities serves every room. */
  get routerRtpCapabilities(): types.RtpCapabilities {
    return this.#routerRtpCapabilities!;
  }

  /**
   * The live slot with the least media load: consumers dominate a worker's CPU (each forwarded
   * stream), producers a little, routers barely; plus what the caller `expected` on it and does
   * not exist yet. Undefined when no worker is alive.
   */
  leastLoaded(except?: PoolSlot, expected: (slot: PoolSlot) => number = () => 0): PoolSlot | undefined {
    let best: PoolSlot | undefined;
    let bestLoad = Infinity;
    for (const slot of this.#slots) {
      if (!slot.alive || slot === except) continue;
      const slotLoad = load(slot) + expected(slot);
      if (slotLoad < bestLoad) [best, bestLoad] = [slot, slotLoad];
    }
    return best;
  }

  async createRouter(slot: PoolSlot | undefined = this.leastLoaded()): Promise<types.Router> {
    if (!slot?.alive) throw new HostError('internal', 'the media server is restarting; try again in a moment');
    return slot.worker.createRouter({ mediaCodecs });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) slot.worker.close();
    this.removeAllListeners();
  }

  async #startSlot(index: number, port: number): Promise<PoolSlot> {
    const { listenIp, announcedIp, logger } = this.#options;
    const worker = await mediasoup.createWorker({ logLevel: 'warn', logTags: ['ice', 'dtls', 'srtp'] });
    try {
      const webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: listenIp, announcedAddress: announcedIp, port },
          { protocol: 'tcp', ip: listenIp, announcedAddress: announcedIp, port },
        ],
      });
      const actualPort = (await webRtcServer.dump()).udpSockets[0]?.port ?? port;
      const slot: PoolSlot = { index, port: actualPort, worker, webRtcServer, alive: true, routers: 0, producers: 0, consumers: 0 };
      countLoad(worker, slot);
      worker.on('died', (error) => void this.#replace(slot, error));
      logger.info({ worker: index, workerPid: worker.pid, port: actualPort }, 'mediasoup worker started');
      return slot;
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  async #replace(slot: PoolSlot, error: Error): Promise<void> {
    const { logger } = this.#options;
    const deadPid = slot.worker.pid;
    logger.error({ worker: slot.index, workerPid: deadPid, err: error.message }, 'mediasoup worker died; replacing it');
    slot.alive = false;
    this.emit('workerDied', slot);
    for (let attempt = 0; !this.#closed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, RESPAWN_BACKOFF_MS[Math.min(attempt, RESPAWN_BACKOFF_MS.length - 1)]));
      if (this.#closed) return;
      try {
        // Same port: firewall rules and announced candidates stay valid.
        const fresh = await this.#startSlot(slot.index, slot.port);
        slot.worker = fresh.worker;
        slot.webRtcServer = fresh.webRtcServer;
        Object.assign(slot, { routers: 0, producers: 0, consumers: 0, alive: true });
        countLoad(fresh.worker, slot);
        fresh.worker.removeAllListeners('died');
        fresh.worker.on('died', (err) => void this.#replace(slot, err));
        this.emit('workerReplaced', slot, deadPid);
        return;
      } catch (err) {
        logger.error({ worker: slot.index, attempt, err: (err as Error).message }, 'could not start a replacement worker');
      }
    }
  }
}

function load(slot: PoolSlot): number {
  return slot.consumers + slot.producers * 2 + slot.routers * 0.1;
}

/** Keeps the slot's counts of routers, producers and consumers from mediasoup's observer events. */
function countLoad(worker: types.Worker, slot: PoolSlot): void {
  const track = (key: 'routers' | 'producers' | 'consumers', observer: { once(event: 'close', listener: () => void): unknown }) => {
    if (slot.worker !== worker) return;
    slot[key]++;
    observer.once('close', () => {
      if (slot.worker === worker) slot[key]--;
    });
  };
  worker.observer.on('newrouter', (router) => {
    track('routers', router.observer);
    router.observer.on('newtransport', (transport) => {
      transport.observer.on('newproducer', (producer) => track('producers', producer.observer));
      transport.observer.on('newconsumer', (consumer) => track('consumers', consumer.observer));
    });
  });
}
