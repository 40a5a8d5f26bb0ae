import type { Redis } from 'ioredis';
import { clusterKeys } from './keys';

/** Claims `KEYS[1]` for ARGV[1] unless a live node (its record key exists) holds it. Returns the holder. */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current and redis.call('EXISTS', ARGV[3] .. current) == 1 then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return ARGV[1]`;

/** Keeps the home's claim alive, or takes it back after Redis lost it (a restart). Returns the holder. */
const REFRESH = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return current end
if not current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return ARGV[1] end
return current`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const HAND_TO = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;

const nodeIdPattern = /^[\w.-]{1,64}$/;

/**
 * Room → home node. A room has one home at a time: the claim is atomic (a Lua script), held by a
 * key that its home refreshes while the room lives, and taken over by another node as soon as the
 * holder's own heartbeat key has expired (a dead home does not keep its rooms hostage until the
 * room key's TTL).
 */
export class RoomDirectory {
  readonly #redis: Redis;
  readonly #ttlMs: number;

  constructor(redis: Redis, ttlMs: number) {
    this.#redis = redis;
    this.#ttlMs = ttlMs;
  }

  async home(roomId: string): Promise<string | undefined> {
    const holder = await this.#redis.get(clusterKeys.room(roomId));
    return holder && nodeIdPattern.test(holder) ? holder : undefined;
  }

  /** Makes `nodeId` the room's home unless a live node already is; returns the home either way. */
  async claim(roomId: string, nodeId: string): Promise<string | undefined> {
    const holder = await this.#redis.eval(CLAIM, 2, clusterKeys.room(roomId), pendingKey(nodeId), nodeId, this.#ttlMs, clusterKeys.node(''));
    return typeof holder === 'string' && nodeIdPattern.test(holder) ? holder : undefined;
  }

  /** For each room this node is home of: refreshed, or re-claimed if Redis forgot it. Returns rooms another node holds now. */
  async refresh(roomIds: readonly string[], nodeId: string): Promise<string[]> {
    if (roomIds.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const roomId of roomIds) pipeline.eval(REFRESH, 1, clusterKeys.room(roomId), nodeId, this.#ttlMs);
    const results = (await pipeline.exec()) ?? [];
    return roomIds.filter((_, i) => {
      const [error, holder] = results[i] ?? [null, nodeId];
      return !error && holder !== nodeId;
    });
  }

  /** Makes `to` the room's home if `from` still is (a node leaving hands its meetings on). */
  async handTo(roomId: string, from: string, to: string): Promise<boolean> {
    return (await this.#redis.eval(HAND_TO, 1, clusterKeys.room(roomId), from, to, this.#ttlMs)) === 1;
  }

  /** True when `nodeId` was the room's home (and no longer is). */
  async release(roomId: string, nodeId: string): Promise<boolean> {
    return (await this.#redis.eval(RELEASE, 1, clusterKeys.room(roomId), nodeId)) === 1;
  }

  /** Rooms placed on each node in the last TTL whose load its heartbeat may not show yet. */
  async recentPlacements(nodeIds: readonly string[]): Promise<Map<string, number>> {
    if (nodeIds.length === 0) return new Map();
    const counts = await this.#redis.mget(nodeIds.map(pendingKey));
    return new Map(nodeIds.map((id, i) => [id, Number.parseInt(counts[i] ?? '0', 10) || 0]));
  }
}

function pendingKey(nodeId: string): string {
  return `roundtable:placed:${nodeId}`;
}
