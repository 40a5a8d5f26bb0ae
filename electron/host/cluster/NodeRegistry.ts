import type { Redis } from 'ioredis';
import { z } from 'zod';
import { clusterKeys } from './keys';
import type { SignedRecords } from './SignedRecords';

export const NodeLoad = z.object({
  peers: z.number().int().min(0),
  rooms: z.number().int().min(0),
  consumers: z.number().int().min(0),
  workers: z.number().int().min(0),
});
export type NodeLoad = z.infer<typeof NodeLoad>;

export const NodeRecord = z.object({
  id: z.string().regex(/^[\w.-]{1,64}$/),
  url: z.string().url().max(2_000),
  load: NodeLoad,
  /** Rooms this node is home of, as of its last heartbeat. */
  rooms: z.array(z.string().max(256)).max(10_000),
  startedAt: z.number(),
  at: z.number(),
});
export type NodeRecord = z.infer<typeof NodeRecord>;

const NODE_RECORD = 'node';

/**
 * Live nodes and their load: each node writes its signed record under a key that expires after
 * `ttlMs` and rewrites it every heartbeat, so a node that stops (SIGKILL, a cut cable) drops out
 * within `ttlMs` without anyone having to notice it.
 */
export class NodeRegistry {
  readonly #redis: Redis;
  readonly #records: SignedRecords;
  readonly #ttlMs: number;

  constructor(redis: Redis, records: SignedRecords, ttlMs: number) {
    this.#redis = redis;
    this.#records = records;
    this.#ttlMs = ttlMs;
  }

  async heartbeat(record: NodeRecord): Promise<void> {
    await this.#redis
      .multi()
      .set(clusterKeys.node(record.id), this.#records.seal(NODE_RECORD, record), 'PX', this.#ttlMs)
      .sadd(clusterKeys.nodes, record.id)
      .exec();
  }

  /** Every node with a live, correctly signed record; ids whose record expired are forgotten. */
  async live(): Promise<NodeRecord[]> {
    const ids = (await this.#redis.smembers(clusterKeys.nodes)).filter((id) => /^[\w.-]{1,64}$/.test(id)).slice(0, 1_000);
    if (ids.length === 0) return [];
    const texts = await this.#redis.mget(ids.map((id) => clusterKeys.node(id)));
    const nodes: NodeRecord[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const record = this.#records.open(NODE_RECORD, NodeRecord, texts[i]);
      if (record && record.id === id) nodes.push(record);
      else if (texts[i] === null) gone.push(id);
    });
    if (gone.length > 0) await this.#redis.srem(clusterKeys.nodes, ...gone);
    return nodes.sort((a, b) => a.id.localeCompare(b.id));
  }

  async withdraw(nodeId: string): Promise<void> {
    await this.#redis.multi().del(clusterKeys.node(nodeId)).srem(clusterKeys.nodes, nodeId).exec();
  }
}
