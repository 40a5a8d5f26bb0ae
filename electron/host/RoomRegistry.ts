import { EventEmitter } from 'node:events';
import type { Logger } from './logger';
import { Room, type RoomDeps } from './Room';
import type { PoolSlot, WorkerPool } from './WorkerPool';

type RoomRegistryEvents = {
  roomOpened: [room: Room];
  roomClosed: [roomId: string];
};

/**
 * Rooms by id. A room is created by the first request that enters it (router on the least-loaded
 * live worker). Whoever uses a room holds a lease on it for the duration (`use`), so a room is only
 * ever closed when nobody is in it and nobody is on the way in: a room that nobody managed to
 * enter closes as soon as the failed attempt ends; a room that had participants closes
 * `idleCloseMs` after the last one left, so a reload or reconnect finds it again.
 */
export class RoomRegistry extends EventEmitter<RoomRegistryEvents> {
  readonly #rooms = new Map<string, Room>();
  readonly #pending = new Map<string, Promise<Room>>();
  readonly #idleTimers = new Map<Room, NodeJS.Timeout>();
  readonly #pool: WorkerPool;
  readonly #idleCloseMs: number;
  readonly #roomDeps: RoomDeps;
  readonly #logger: Logger;

  constructor(pool: WorkerPool, idleCloseMs: number, roomDeps: RoomDeps) {
    super();
    this.#pool = pool;
    this.#idleCloseMs = idleCloseMs;
    this.#roomDeps = roomDeps;
    this.#logger = roomDeps.logger;
    pool.on('workerReplaced', (slot) => void this.#rehomeRoomsOf(slot));
  }

  get(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }

  all(): Room[] {
    return [...this.#rooms.values()];
  }

  /** Runs `task` with `roomId`'s room (created if needed) held open; releases it however `task` ends. */
  async use<T>(roomId: string, task: (room: Room) => Promise<T>): Promise<T> {
    const room = await this.#getOrCreate(roomId);
    const release = room.lease();
    try {
      return await task(room);
    } finally {
      release();
      if (room.idle && !room.closed) this.#onIdle(room);
    }
  }

  async #getOrCreate(roomId: string): Promise<Room> {
    const existing = this.#rooms.get(roomId);
    if (existing) return existing;
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
    const room = await Room.create(roomId, router, slot, this.#roomDeps).catch((error: unknown) => {
      router.close();
      throw error;
    });
    this.#rooms.set(roomId, room);
    room.on('empty', () => this.#onIdle(room));
    room.once('close', () => {
      this.#cancelIdleClose(room);
      if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
      this.emit('roomClosed', roomId);
    });
    this.#logger.info({ roomId, worker: slot.index }, 'room opened');
    this.emit('roomOpened', room);
    return room;
  }

  #onIdle(room: Room): void {
    if (!room.everOccupied) {
      room.close('idle');
      return;
    }
    this.#cancelIdleClose(room);
    const timer = setTimeout(() => {
      this.#idleTimers.delete(room);
      // A room waiting for its replacement worker keeps its state for the peers coming back.
      if (room.awaitingRehome) this.#onIdle(room);
      else if (room.idle) room.close('idle');
    }, this.#idleCloseMs);
    timer.unref();
    this.#idleTimers.set(room, timer);
  }

  #cancelIdleClose(room: Room): void {
    const timer = this.#idleTimers.get(room);
    if (timer) clearTimeout(timer);
    this.#idleTimers.delete(room);
  }

  async #rehomeRoomsOf(slot: PoolSlot): Promise<void> {
    for (const room of this.all()) {
      if (room.slot !== slot || room.closed) continue;
      try {
        await room.rehome(await this.#pool.createRouter(slot), slot);
        this.#logger.warn({ roomId: room.id, worker: slot.index }, 'room moved to replacement worker; peers asked to rejoin');
      } catch (error) {
        this.#logger.error({ roomId: room.id, err: error }, 'could not move room; closing it');
        room.close('rehome_failed');
      }
    }
  }

  closeAll(): void {
    for (const room of this.all()) room.close('host_stopped');
  }
}
