import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { SignedRecords } from './SignedRecords';

const BUS_MESSAGE = 'bus';
/** A message older than this (a replay, a node whose clock is far off) is dropped. */
const MAX_AGE_MS = 30_000;

const Envelope = z.object({
  from: z.string().regex(/^[\w.-]{1,64}$/),
  /** Directed messages name their node: one captured for another node is not taken here. */
  to: z.string().optional(),
  at: z.number(),
  body: z.unknown(),
});

const Request = z.object({ kind: z.literal('request'), id: z.string().uuid(), op: z.string().max(64), args: z.unknown() });
const Reply = z.object({ kind: z.literal('reply'), id: z.string().uuid(), ok: z.boolean(), value: z.unknown().optional(), error: z.string().max(500).optional() });

export const busChannels = {
  node: (nodeId: string) => `roundtable:bus:node:${nodeId}`,
  room: (roomId: string) => `roundtable:bus:room:${roomId}`,
};

type RoomListener = (from: string, body: unknown) => void;
type RequestHandler = (from: string, op: string, args: unknown) => Promise<unknown>;

/**
 * The nodes' channel to each other: Redis pub/sub, every message HMAC-signed with the cluster
 * secret (SignedRecords) and dropped unless its signature, shape, age and addressee check out.
 * Room channels carry a meeting's events to every node serving it; each node's own channel carries
 * requests to it and replies to its requests (matched by id, bounded by a timeout). Pub/sub is
 * at-most-once: what must converge (the roster) is also re-sent periodically by its owner.
 */
export class ClusterBus {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #records: SignedRecords;
  readonly #nodeId: string;
  readonly #logger: Logger;
  readonly #rooms = new Map<string, RoomListener>();
  readonly #pending = new Map<string, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  #onRequest?: RequestHandler;

  constructor(pub: Redis, records: SignedRecords, nodeId: string, logger: Logger) {
    this.#pub = pub;
    // A connection in subscriber mode can do nothing else: its own, queueing while Redis is away.
    this.#sub = pub.duplicate({ enableOfflineQueue: true, lazyConnect: true });
    this.#sub.on('error', () => undefined);
    this.#records = records;
    this.#nodeId = nodeId;
    this.#logger = logger;
    // One message per turn of the event loop: messages of one read from Redis come out together,
    // and an answer's waiter must have resumed before the next message (often about it) is handled.
    this.#sub.on('message', (channel: string, text: string) => setImmediate(() => this.#receive(channel, text)));
  }

  async start(onRequest: RequestHandler): Promise<void> {
    this.#onRequest = onRequest;
    await this.#sub.connect();
    await this.#sub.subscribe(busChannels.node(this.#nodeId));
  }

  /** Receives the room's events (`listener`), until `leaveRoom`. */
  async joinRoom(roomId: string, listener: RoomListener): Promise<void> {
    this.#rooms.set(roomId, listener);
    await this.#sub.subscribe(busChannels.room(roomId));
  }

  leaveRoom(roomId: string): void {
    if (!this.#rooms.delete(roomId)) return;
    this.#sub.unsubscribe(busChannels.room(roomId)).catch(() => undefined);
  }

  /** Publishes to every node serving the room; a failure (Redis away) is logged, not thrown. */
  toRoom(roomId: string, body: unknown): void {
    this.#publish(busChannels.room(roomId), body);
  }

  /** Asks `nodeId`; rejects on its error answer or after `timeoutMs`. */
  request(nodeId: string, op: string, args: unknown, timeoutMs = 3_000): Promise<unknown> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`node ${nodeId} did not answer ${op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#publish(busChannels.node(nodeId), { kind: 'request', id, op, args }, nodeId);
    });
  }

  #publish(channel: string, body: unknown, to?: string): void {
    const text = this.#records.seal(BUS_MESSAGE, { from: this.#nodeId, ...(to ? { to } : {}), at: Date.now(), body });
    this.#pub.publish(channel, text).catch((error: unknown) => this.#logger.debug({ channel, err: (error as Error).message }, 'cluster bus: publish failed'));
  }

  #receive(channel: string, text: string): void {
    const envelope = this.#records.open(BUS_MESSAGE, Envelope, text);
    if (!envelope || envelope.from === this.#nodeId || Math.abs(Date.now() - envelope.at) > MAX_AGE_MS) return;
    if (channel === busChannels.node(this.#nodeId)) {
      if (envelope.to !== this.#nodeId) return;
      this.#direct(envelope.from, envelope.body);
      return;
    }
    const roomId = channel.startsWith(busChannels.room('')) ? channel.slice(busChannels.room('').length) : undefined;
    const listener = roomId === undefined ? undefined : this.#rooms.get(roomId);
    try {
      listener?.(envelope.from, envelope.body);
    } catch (error) {
      this.#logger.warn({ roomId, err: error }, 'cluster bus: room message failed');
    }
  }

  #direct(from: string, body: unknown): void {
    const reply = Reply.safeParse(body);
    if (reply.success) {
      const pending = this.#pending.get(reply.data.id);
      if (!pending) return;
      this.#pending.delete(reply.data.id);
      clearTimeout(pending.timer);
      if (reply.data.ok) pending.resolve(reply.data.value);
      else pending.reject(new Error(reply.data.error ?? 'failed'));
      return;
    }
    const request = Request.safeParse(body);
    if (!request.success || !this.#onRequest) return;
    const { id, op, args } = request.data;
    this.#onRequest(from, op, args).then(
      (value) => this.#publish(busChannels.node(from), { kind: 'reply', id, ok: true, value }, from),
      (error: unknown) => this.#publish(busChannels.node(from), { kind: 'reply', id, ok: false, error: String((error as Error).message).slice(0, 500) }, from),
    );
  }

  close(): void {
    for (const { reject, timer } of this.#pending.values()) {
      clearTimeout(timer);
      reject(new Error('cluster bus closed'));
    }
    this.#pending.clear();
    this.#rooms.clear();
    this.#sub.disconnect();
  }
}
