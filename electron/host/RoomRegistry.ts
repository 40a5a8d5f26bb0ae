import { EventEmitter } from 'node:events';
import type { Logger } from './logger';
import { Room } from './Room';
import type { PoolSlot, WorkerPool } from './WorkerPool';

type RoomRegistryEvents = {
  roomOpened: [room: Room];
  roomClosed: [roomId: string];
};

/**
 * Rooms by id. A room is created by its first join (router on the least-loaded worker) and
 * closed `idleCloseMs` after its last peer left, so a reload or reconnect finds it again.
 */
export class RoomRegistry extends EventEmitter<RoomRegistryEvents> {
  readonly #rooms = new Map<string, Room>();
  readonly #pending = new Map<string, Promise<Room>>();
  readonly #idleTimers = new Map<string, NodeJS.Timeout>();
  readonly #pool: WorkerPool;
  readonly #idleCloseMs: number;
  readonly #logger: Logger;

  constructor(pool: WorkerPool, idleCloseMs: number, logger: Logger) {
    super();
    this.#pool = pool;
    this.#idleCloseMs = idleCloseMs;
    this.#logger = logger;
    pool.on('workerReplaced', (slot) => void this.#rehomeRoomsOf(slot));
  }

  get(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }

  all(): Room[] {
    return [...this.#rooms.values()];
  }

  async getOrCreate(roomId: string): Promise<Room> {
    const existing = this.#rooms.get(roomId);
    if (existing) {
      this.#cancelIdleClose(roomId);
      return existing;
    }
    let pending = this.#pending.get(roomId);
    if (!pending) {
      pending = this.#open(roomId).finally(() => this.#pending.delete(roomId));
      this.#pending.set(roomId, pending);
    }
    return pending;
  }

  async #open(roomId: string): Promise<Room> {
    const slot = this.#pool.leastLoaded();
    const router = await this.#pool.createRouter(slot);
    const room = await Room.create(roomId, router, slot, this.#logger).catch((error) => {
      router.close();
      throw error;
    });
    this.#rooms.set(roomId, room);
    room.on('empty', () => this.#scheduleIdleClose(room));
    room.once('close', () => {
      this.#cancelIdleClose(roomId);
      if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
      this.emit('roomClosed', roomId);
    });
    this.#logger.info({ roomId, worker: slot.index }, 'room opened');
    this.emit('roomOpened', room);
    return room;
  }

  #scheduleIdleClose(room: Room): void {
    this.#cancelIdleClose(room.id);
    const timer = setTimeout(() => {
      this.#idleTimers.delete(room.id);
      // A room waiting for its replacement worker keeps its state for the peers coming back.
      if (room.awaitingRehome) this.#scheduleIdleClose(room);
      else if (room.peers.size === 0) room.close();
    }, this.#idleCloseMs);
    timer.unref();
    this.#idleTimers.set(room.id, timer);
  }

  #cancelIdleClose(roomId: string): void {
    const timer = this.#idleTimers.get(roomId);
    if (timer) clearTimeout(timer);
    this.#idleTimers.delete(roomId);
  }

  async #rehomeRoomsOf(slot: PoolSlot): Promise<void> {
    for (const room of this.all()) {
      if (room.slot !== slot || room.closed) continue;
      try {
        await room.rehome(await this.#pool.createRouter(slot), slot);
        this.#logger.warn({ roomId: room.id, worker: slot.index }, 'room moved to replacement worker; peers asked to rejoin');
      } catch (error) {
        this.#logger.error({ roomId: room.id, err: (error as Error).message }, 'could not move room; closing it');
        room.close();
      }
    }
  }

  closeAll(): void {
    for (const room of this.all()) room.close();
  }
}
