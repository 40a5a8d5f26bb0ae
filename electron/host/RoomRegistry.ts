import { EventEmitter } from 'node:events';
import type { Logger } from './logger';
import { Room, type MeetingState, type RoomDeps } from './Room';
import type { WaitingRoomSettings } from './room/WaitingRoom';
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
  /**
   * Meetings whose room had to close because it could not be moved off a dead worker: a room
   * recreated under the same name within the resume window is the same meeting (lock, passcode,
   * host, tokens, chat), so nobody walks into a locked meeting while its participants come back.
   */
  readonly #orphans = new Map<string, { state: MeetingState; timer: NodeJS.Timeout }>();
  readonly #pool: WorkerPool;
  readonly #idleCloseMs: number;
  readonly #roomDeps: RoomDeps;
  readonly #logger: Logger;
  /** Clustered hosts: asked before a room that is not open here opens (throws `wrong_node` when another node hosts it). */
  placement?: { claim(roomId: string): Promise<void>; settled?(roomId: string): Promise<void> };
  readonly #waitingRoom: Partial<WaitingRoomSettings>;
  /** New rooms start with their waiting room on (the host can turn it off in the meeting). */
  waitingRoomByDefault: boolean;

  constructor(pool: WorkerPool, idleCloseMs: number, roomDeps: RoomDeps, waitingRoom: Partial<WaitingRoomSettings> & { byDefault?: boolean } = {}) {
    super();
    const { byDefault, ...waitingSettings } = waitingRoom;
    this.waitingRoomByDefault = byDefault ?? false;
    this.#waitingRoom = waitingSettings;
    this.#pool = pool;
    this.#idleCloseMs = idleCloseMs;
    this.#roomDeps = roomDeps;
    this.#logger = roomDeps.logger;
    // Rooms of a dead worker move at once to another live worker when there is one, else to the replacement.
    pool.on('workerDied', (slot) => void this.#rehomeRoomsOf(slot, pool.leastLoaded(slot)));
    pool.on('workerReplaced', (slot) => void this.#rehomeRoomsOf(slot, slot));
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
      const placement = this.placement;
      pending = (placement ? placement.claim(roomId).then(() => this.#open(roomId)) : this.#open(roomId)).finally(() => this.#pending.delete(roomId));
      this.#pending.set(roomId, pending);
    }
    return pending;
  }

  async #open(roomId: string): Promise<Room> {
    const slot = this.#pool.leastLoaded();
    const router = await this.#pool.createRouter(slot);
    const orphan = this.#orphans.get(roomId);
    const room = await Room.create(roomId, router, slot!, { pool: this.#pool, ...this.#roomDeps }, orphan?.state).catch((error: unknown) => {
      router.close();
      throw error;
    });
    if (orphan) {
      clearTimeout(orphan.timer);
      this.#orphans.delete(roomId);
    }
    this.#rooms.set(roomId, room);
    const { admission, hostRole } = room.meetingState;
    admission.waiting.attach(room, hostRole, this.#waitingRoom);
    if (!orphan) admission.waiting.enabled = this.waitingRoomByDefault;
    room.on('empty', () => this.#onIdle(room));
    room.once('close', (cause) => {
      this.#cancelIdleClose(room);
      if (cause === 'rehome_failed') this.#keepOrphan(room);
      if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
      this.emit('roomClosed', roomId);
    });
    this.#logger.info({ roomId, worker: slot!.index }, 'room opened');
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

  async #rehomeRoomsOf(deadSlot: PoolSlot, target: PoolSlot | undefined): Promise<void> {
    if (!target) return;
    for (const room of this.all()) {
      if (room.slot !== deadSlot || room.closed || !room.awaitingRehome) continue;
      try {
        await room.rehome(await this.#pool.createRouter(target), target);
        this.#logger.warn({ roomId: room.id, from: deadSlot.index, to: target.index }, 'room moved to a live worker; peers asked to rejoin');
      } catch (error) {
        this.#logger.error({ roomId: room.id, err: error }, 'could not move room; closing it');
        room.close('rehome_failed');
      }
    }
  }

  #keepOrphan(room: Room): void {
    const timer = setTimeout(() => this.#orphans.delete(room.id), this.#roomDeps.resumeWindowMs);
    timer.unref();
    this.#orphans.set(room.id, { state: room.meetingState, timer });
  }

  closeAll(): void {
    for (const room of this.all()) room.close('host_stopped');
    for (const { timer } of this.#orphans.values()) clearTimeout(timer);
    this.#orphans.clear();
  }
}
