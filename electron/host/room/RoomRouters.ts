import type { types } from 'mediasoup';
import { limits } from '../../../shared/limits';
import type { Logger } from '../logger';
import { DownlinkProbe } from './DownlinkProbe';
import type { Peer } from '../Peer';
import type { PoolSlot, WorkerPool } from '../WorkerPool';
import { pipeSctpOptions, sctpOptions } from './DataChannels';
import type { MediaGraphRehome } from './MediaGraphRehome';
import { consumerValve, PipeDemand, type PipeValve } from './PipeDemand';

/** One of a room's routers and the worker slot it lives on. */
export interface RoomRouter {
  router: types.Router;
  slot: PoolSlot;
}

export interface RoomRoutersOptions {
  /** Absent: the room never leaves its home router. */
  pool?: WorkerPool;
  /** New participants go elsewhere once the home worker forwards this many consumers. */
  workerMaxConsumers: number;
  /** Producers in the room now: each newcomer will consume those of the others. */
  producerCount: () => number;
  /** Called for every router the room opens (speaker observers); a failure closes that router. */
  onRouterOpened: (router: types.Router) => Promise<void>;
  logger: Logger;
}

/**
 * The routers of one room. It starts on its home router (see MediaGraphRehome, which also follows
 * the home across worker deaths). When the home worker's load passes `workerMaxConsumers`, a new
 * participant's transports go on a router of this room on the least-loaded live worker, created on
 * first use and closed when its last participant leaves. Producers reach the routers of their
 * consumers through `pipeToRouter`, once per (producer, router): the pipe is cached, and forgotten
 * when either end closes (the producer, its router, or the target router). A pipe carries media
 * only while a consumer on its far router forwards it (PipeDemand), unless it is pinned.
 */
export class RoomRouters {
  readonly #home: MediaGraphRehome;
  readonly #options: RoomRoutersOptions;
  /** Secondary routers by slot index. */
  readonly #secondaries = new Map<number, Promise<RoomRouter>>();
  readonly #peerRouters = new Map<Peer, RoomRouter>();
  /** Participants on (or on their way to) each router: a secondary closes when this drops to 0. */
  readonly #users = new Map<types.Router, number>();
  /** Newcomers placed on a worker and not yet attached (their consumers do not exist yet). */
  readonly #reserved = new Map<PoolSlot, number>();
  readonly #pipes = new Map<string, Promise<void>>();
  /** Which pipes flow: those read by a forwarding consumer. Forwarding asks it before a resume, tells it after a pause. */
  readonly demand: PipeDemand;

  constructor(home: MediaGraphRehome, options: RoomRoutersOptions) {
    this.#home = home;
    this.#options = options;
    this.demand = new PipeDemand(options.logger);
  }

  get home(): RoomRouter {
    return { router: this.#home.router, slot: this.#home.slot };
  }

  /** Every live router of the room, home first. */
  async all(): Promise<RoomRouter[]> {
    const secondaries = await Promise.allSettled(this.#secondaries.values());
    return [this.home, ...secondaries.flatMap((s) => (s.status === 'fulfilled' && !s.value.router.closed ? [s.value] : []))];
  }

  /** Pipes currently cached (producer id → router id), for stats and tests. */
  get pipeCount(): number {
    return this.#pipes.size;
  }

  routerOf(peer: Peer): RoomRouter | undefined {
    return this.#peerRouters.get(peer);
  }

  /**
   * Where a new participant's transports go: home unless its worker is past the threshold. The
   * router is reserved for it: `attach` the participant, or `release` the reservation.
   */
  async place(): Promise<RoomRouter> {
    // Chosen and reserved in one step: joins arriving together each see the ones before them.
    const slot = this.#chooseSlot();
    this.#reserved.set(slot, (this.#reserved.get(slot) ?? 0) + 1);
    let placed: RoomRouter;
    try {
      placed = await this.#routerOn(slot);
    } catch (error) {
      this.#unreserve(slot);
      throw error;
    }
    if (placed.slot !== slot) {
      this.#unreserve(slot);
      this.#reserved.set(placed.slot, (this.#reserved.get(placed.slot) ?? 0) + 1);
    }
    this.#users.set(placed.router, (this.#users.get(placed.router) ?? 0) + 1);
    return placed;
  }

  /**
   * Home while its worker stays under the threshold, else the least-loaded live worker. A worker's
   * load counts the consumers that already exist and those this room's newcomers there will create
   * (a burst of joins is placed before any of their consumers exist).
   */
  #chooseSlot(): PoolSlot {
    const home = this.home;
    const pool = this.#options.pool;
    const expected = (slot: PoolSlot) => this.#expectedConsumersOn(slot);
    if (!pool || (home.slot.alive && home.slot.consumers + expected(home.slot) < this.#options.workerMaxConsumers)) return home.slot;
    return pool.leastLoaded(undefined, expected) ?? home.slot;
  }

  /** Consumers this room's participants on `slot` will create and have not yet: reservations and attached participants still consuming. */
  #expectedConsumersOn(slot: PoolSlot): number {
    const producers = this.#options.producerCount();
    let expected = (this.#reserved.get(slot) ?? 0) * producers;
    for (const [peer, placed] of this.#peerRouters) {
      if (placed.slot === slot) expected += Math.max(0, producers - peer.producers.size - peer.consumers.size);
    }
    return expected;
  }

  #unreserve(slot: PoolSlot): void {
    const left = (this.#reserved.get(slot) ?? 1) - 1;
    if (left > 0) this.#reserved.set(slot, left);
    else this.#reserved.delete(slot);
  }

  async #routerOn(target: PoolSlot): Promise<RoomRouter> {
    const home = this.home;
    const pool = this.#options.pool;
    if (!pool || target === home.slot) return home;
    let pending = this.#secondaries.get(target.index);
    if (!pending) {
      pending = this.#openSecondary(pool, target);
      this.#secondaries.set(target.index, pending);
      pending.catch(() => this.#secondaries.delete(target.index));
    }
    const placed = await pending;
    return placed.router.closed ? home : placed;
  }

  async #openSecondary(pool: WorkerPool, slot: PoolSlot): Promise<RoomRouter> {
    const router = await pool.createRouter(slot);
    try {
      await this.#options.onRouterOpened(router);
    } catch (error) {
      router.close();
      throw error;
    }
    router.observer.once('close', () => this.#secondaries.delete(slot.index));
    this.#options.logger.info({ worker: slot.index, routerId: router.id }, 'room spans another worker');
    return { router, slot };
  }

  /** Send and receive transports of one participant on `placed`; the send side capped in incoming bitrate. */
  async createTransports(peerId: string, placed: RoomRouter): Promise<[types.WebRtcTransport, types.WebRtcTransport]> {
    const options: types.WebRtcTransportOptions = {
      webRtcServer: placed.slot.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      ...sctpOptions,
      appData: { peerId },
    };
    const [send, recv] = await Promise.allSettled([placed.router.createWebRtcTransport(options), placed.router.createWebRtcTransport(options)]);
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
    // Lives as long as the receive transport: it re-probes a downlink whose estimate stays low.
    DownlinkProbe.watch(recv.value, this.#options.logger);
    return [send.value, recv.value];
  }

  /** Records where a participant's transports are; it takes over the reservation `place` made. */
  attach(peer: Peer, placed: RoomRouter): void {
    this.#unreserve(placed.slot);
    this.#peerRouters.set(peer, placed);
  }

  /**
   * Forgets a participant; closes its secondary router when nobody else is on it. Returns true when
   * its router had died (the participant must rejoin, elsewhere).
   */
  detach(peer: Peer): boolean {
    const placed = this.#peerRouters.get(peer);
    this.#peerRouters.delete(peer);
    if (!placed) return false;
    this.#leave(placed);
    return placed.router.closed;
  }

  /** Gives up a reservation (a join that failed after `place`). */
  release(placed: RoomRouter): void {
    this.#unreserve(placed.slot);
    this.#leave(placed);
  }

  #leave(placed: RoomRouter): void {
    const users = (this.#users.get(placed.router) ?? 1) - 1;
    if (users > 0) {
      this.#users.set(placed.router, users);
      return;
    }
    this.#users.delete(placed.router);
    if (placed.router.closed || placed.router === this.#home.router) return;
    this.#options.logger.info({ worker: placed.slot.index, routerId: placed.router.id }, 'closing an empty secondary router of the room');
    placed.router.close();
  }

  /**
   * Makes `producer` (on `from`) consumable on `to`: a no-op on its own router, else a cached pipe.
   * `pinned`: the pipe flows whatever the consumers on `to` do (something else reads it there).
   */
  async ensureOn(producer: types.Producer, from: types.Router, to: types.Router, options: { pinned?: boolean } = {}): Promise<void> {
    if (from === to || producer.closed) return;
    const key = PipeDemand.key(producer.id, to.id);
    let pipe = this.#pipes.get(key);
    if (!pipe) {
      pipe = this.#pipe(producer, from, to, key);
      this.#pipes.set(key, pipe);
    }
    await pipe;
    if (options.pinned) await this.demand.pin(key);
  }

  /** A producer piped into the home router from another node, behind `valve`: it flows there only as the home router's readers need. */
  addRemoteValve(valve: PipeValve): void {
    this.demand.add(PipeDemand.key(valve.producerId, this.home.router.id), valve);
  }

  /** `consumer` was created on `to`: if it reads a pipe, the pipe now flows only as it and the pipe's other readers need. */
  trackConsumer(consumer: types.Consumer, to: types.Router): Promise<void> {
    return this.demand.track(PipeDemand.key(consumer.producerId, to.id), consumer);
  }

  /** The consumer end of the pipe of `producerId` into `to` (undefined: none), for stats and tests. */
  pipeConsumerOf(producerId: string, to: types.Router): types.Consumer | undefined {
    return this.demand.pipeConsumer(PipeDemand.key(producerId, to.id));
  }

  async #pipe(producer: types.Producer, from: types.Router, to: types.Router, key: string): Promise<void> {
    const forget = () => this.#pipes.delete(key);
    try {
      const { pipeProducer, pipeConsumer } = await from.pipeToRouter({ producerId: producer.id, router: to, ...pipeSctpOptions });
      // mediasoup closes the pair when the producer or either router closes; the cache follows.
      pipeProducer?.observer.once('close', forget);
      pipeConsumer?.observer.once('close', forget);
      if (!pipeProducer || pipeProducer.closed || !pipeConsumer) {
        forget();
        return;
      }
      this.demand.add(key, consumerValve(pipeConsumer), { consumer: pipeConsumer });
      // The pipe consumer reads `producer` on `from`, where it may itself be piped in (from another
      // node): registered at once, the upstream pipe's change not waited for (it may ask that node).
      void this.demand.track(PipeDemand.key(producer.id, from.id), pipeConsumer);
    } catch (error) {
      forget();
      throw error;
    }
  }

  close(): void {
    for (const pending of this.#secondaries.values()) void pending.then((s) => s.router.close(), () => undefined);
    this.#secondaries.clear();
    this.#peerRouters.clear();
    this.#users.clear();
    this.#pipes.clear();
  }
}
