import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { Room } from '../Room';
import type { Admission } from '../room/Admission';
import { secretsEqual } from '../security/secrets';
import type { SignedRecords } from './SignedRecords';

/** Who may enter a meeting, as the cluster's nodes share it (signed, in Redis). */
const SettingsRecord = z.object({
  /** Later changes have higher revisions (see `#nextRev`). */
  rev: z.number().int().positive(),
  locked: z.boolean(),
  /** The passcode's digest keyed with the cluster secret: checks an attempt, never shows the passcode, and cannot be brute-forced without the secret. */
  passcode: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  waitingRoom: z.boolean(),
  /** When a lock or passcode change last ended the resume rights of whoever was absent then (the writer's clock). */
  revokedAt: z.number().int().nonnegative(),
});
type SettingsRecord = z.infer<typeof SettingsRecord>;

const RECORD = 'meetingSettings';

/**
 * Writes the record unless a later revision is there already (two nodes writing at once); the same
 * revision only has its lifetime renewed. So a node can re-write what it applied at every heartbeat:
 * it refreshes the record, and puts it back after Redis lost it (a restart) or a write failed.
 */
const WRITE = `
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
local rev = tonumber(ARGV[2])
if rev < current then return 0 end
if rev == current and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return 1
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1`;

const keys = {
  record: (roomId: string) => `roundtable:settings:${roomId}`,
  rev: (roomId: string) => `roundtable:settings-rev:${roomId}`,
};

/** What this node applied or wrote last, per meeting (by its Admission, which outlives a room moved to another worker). */
interface Applied {
  rev: number;
  passcode: string | null;
  locked: boolean;
  revokedAt: number;
}

/**
 * A meeting's admission settings (lock, passcode, waiting room) are the same on every node of the
 * cluster: a change the host makes on any node is written to Redis (signed) and announced to the
 * meeting's other nodes (`onWritten`), which apply it as if it had been made there — so the old
 * passcode is refused everywhere, and locking or a new passcode ends the resume rights of everyone
 * absent on every node. A node opening the meeting (a satellite, or the node that takes it over
 * when its home died) loads the settings before its first admission (`prefetch` during the claim).
 */
export class MeetingSettings {
  readonly #redis: Redis;
  readonly #records: SignedRecords;
  readonly #secret: string;
  readonly #ttlMs: number;
  readonly #logger: Logger;
  readonly #applied = new WeakMap<Admission, Applied>();
  /** Fetched while a room's claim was decided, applied when it opens. */
  readonly #prefetched = new Map<string, SettingsRecord | undefined>();
  /** Meetings whose last write from here failed (Redis away): written again by the next heartbeat. */
  readonly #unsent = new Map<string, Room>();
  /** Writes of one meeting, in order. */
  readonly #writes = new Map<string, Promise<unknown>>();
  /** Called with the revision written (a meeting spanning nodes tells its other nodes). */
  onWritten?: (room: Room, rev: number) => void;
  /** Called when a change (made here or applied from another node) revoked the resume rights of the absent: they also go from this node's view of other nodes' participants. */
  onRevoked?: (room: Room) => void;

  constructor(deps: { redis: Redis; records: SignedRecords; secret: string; ttlMs: number; logger: Logger }) {
    this.#redis = deps.redis;
    this.#records = deps.records;
    this.#secret = deps.secret;
    this.#ttlMs = deps.ttlMs;
    this.#logger = deps.logger;
  }

  /** Reads the meeting's settings, for `opened` (throws when Redis cannot be read: the claim fails with it). */
  async prefetch(roomId: string): Promise<void> {
    this.#prefetched.set(roomId, await this.#fetch(roomId));
  }

  /** The claim failed: the room does not open here. */
  discard(roomId: string): void {
    this.#prefetched.delete(roomId);
  }

  /** A room opened here: the settings read by its claim apply before anyone is admitted; a change made here is replicated from now on. */
  opened(room: Room): void {
    const record = this.#prefetched.get(room.id);
    this.#prefetched.delete(room.id);
    if (record) this.#apply(room, record);
    room.on('admissionChanged', (change) => this.#write(room, change.passcode));
  }

  /** Resolves once the meeting's latest change made here is in Redis (or failed to get there). */
  async settled(roomId: string): Promise<void> {
    await this.#writes.get(roomId);
  }

  /** The revision this node has applied for `room` (0: none). */
  rev(room: Room): number {
    return this.#applied.get(room.meetingState.admission)?.rev ?? 0;
  }

  /** Another node announced revision `rev` (or carries it in its roster): read and applied when newer than this node's. */
  async reload(room: Room, rev: number): Promise<void> {
    if (rev <= this.rev(room)) return;
    const record = await this.#fetch(room.id);
    if (record && !room.closed) this.#apply(room, record);
  }

  /**
   * Every heartbeat: the settings of the meetings this node is home of stay in Redis (renewed, or
   * written again after Redis lost them), and so do those whose write from here failed. Not the
   * others: once the meeting ended on its home, a satellite closing a moment later must not bring
   * them back.
   */
  async refresh(homed: readonly Room[]): Promise<void> {
    const pipeline = this.#redis.pipeline();
    let writes = 0;
    const unsent = [...this.#unsent.values()].filter((room) => !homed.includes(room));
    this.#unsent.clear();
    for (const room of [...homed, ...unsent]) {
      const record = this.#record(room);
      if (!record || room.closed) continue;
      pipeline.eval(WRITE, 2, keys.record(room.id), keys.rev(room.id), this.#records.seal(RECORD, record), record.rev, this.#ttlMs);
      writes++;
    }
    if (writes === 0) return;
    try {
      await pipeline.exec();
    } catch (error) {
      for (const room of unsent) this.#unsent.set(room.id, room);
      throw error;
    }
  }

  /** What this node applied for `room`, as written to Redis (undefined: no change yet anywhere it knows). */
  #record(room: Room): SettingsRecord | undefined {
    const admission = room.meetingState.admission;
    const applied = this.#applied.get(admission);
    if (!applied) return undefined;
    return { rev: applied.rev, locked: applied.locked, passcode: applied.passcode, waitingRoom: admission.waiting.enabled, revokedAt: applied.revokedAt };
  }

  /** The meeting ended on its home (nobody left anywhere): its settings go with it. */
  async forget(roomId: string): Promise<void> {
    await this.#redis.del(keys.record(roomId), keys.rev(roomId));
  }

  async #fetch(roomId: string): Promise<SettingsRecord | undefined> {
    return this.#records.open(RECORD, SettingsRecord, await this.#redis.get(keys.record(roomId)));
  }

  #apply(room: Room, record: SettingsRecord): void {
    const admission = room.meetingState.admission;
    const applied = this.#applied.get(admission);
    if (applied && record.rev <= applied.rev) return;
    const passcodeChanged = (applied?.passcode ?? null) !== record.passcode;
    const revokes = record.revokedAt > (applied?.revokedAt ?? 0);
    this.#applied.set(admission, { rev: record.rev, passcode: record.passcode, locked: record.locked, revokedAt: Math.max(record.revokedAt, applied?.revokedAt ?? 0) });
    room.applyAdmission({
      ...(record.locked !== admission.locked ? { locked: record.locked } : {}),
      ...(passcodeChanged ? { passcode: this.#matcher(room.id, record.passcode) } : {}),
      ...(revokes ? { at: record.revokedAt } : {}),
    });
    if (admission.waiting.enabled !== record.waitingRoom) admission.waiting.setEnabled(record.waitingRoom);
    if (revokes) this.onRevoked?.(room);
    this.#logger.info({ roomId: room.id, rev: record.rev, locked: record.locked, passcode: record.passcode !== null, waitingRoom: record.waitingRoom }, 'cluster: meeting settings applied');
  }

  #matcher(roomId: string, digest: string | null): ((attempt: string | undefined) => boolean) | null {
    if (digest === null) return null;
    return (attempt) => attempt !== undefined && attempt !== '' && secretsEqual(this.#digest(roomId, attempt), digest);
  }

  #digest(roomId: string, passcode: string): string {
    return createHmac('sha256', this.#secret).update(`passcode\0${roomId}\0${passcode}`).digest('hex');
  }

  /** The room's settings as they are here now (`passcode`: the new one when the host just changed it), written as the next revision. */
  #write(room: Room, passcode: string | null | undefined): void {
    const admission = room.meetingState.admission;
    const applied = this.#applied.get(admission) ?? { rev: 0, passcode: null, locked: false, revokedAt: 0 };
    const now = Date.now();
    const rev = Math.max(now, applied.rev + 1);
    const digest = passcode === undefined ? applied.passcode : passcode ? this.#digest(room.id, passcode) : null;
    // As Room.applyAdmission did here: a new passcode, or locking, ended the resume rights of whoever was absent.
    const revokes = passcode !== undefined || (admission.locked && !applied.locked);
    const revokedAt = revokes ? Math.max(now, applied.revokedAt + 1) : applied.revokedAt;
    this.#applied.set(admission, { rev, passcode: digest, locked: admission.locked, revokedAt });
    if (revokes) this.onRevoked?.(room);
    const record = this.#record(room)!;
    const previous = this.#writes.get(room.id) ?? Promise.resolve();
    const write = previous
      .then(() => this.#redis.eval(WRITE, 2, keys.record(room.id), keys.rev(room.id), this.#records.seal(RECORD, record), rev, this.#ttlMs))
      .then(() => this.onWritten?.(room, rev))
      .catch((error: unknown) => {
        // The next heartbeat writes it again (refresh).
        this.#unsent.set(room.id, room);
        this.#logger.error({ roomId: room.id, err: (error as Error).message }, 'cluster: could not share the meeting\'s admission settings');
      })
      .finally(() => {
        if (this.#writes.get(room.id) === write) this.#writes.delete(room.id);
      });
    this.#writes.set(room.id, write);
  }
}
