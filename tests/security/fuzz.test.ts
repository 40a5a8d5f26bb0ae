/**
 * Signaling fuzz: at least 10,000 generated messages (random event names, payload shapes, sizes
 * up to 1 MiB) from several hostile connections, interleaved with legitimate clients joining,
 * chatting and leaving. The host must answer every acked message with a typed result, never
 * crash, keep serving the legitimate clients, and end with no room, peer or router left.
 * Seeded: ROUNDTABLE_FUZZ_SEED=<n> replays a run.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import { errorCodes, requestNames, type Ack } from '../../shared/protocol';
import { startTestHost, waitFor } from '../support/testHost';
import type { RawClient } from '../support/rawClient';
import { health, rawClientFrom, rawJoin } from './support';

const SEED = Number(process.env.ROUNDTABLE_FUZZ_SEED ?? 20261130);
const MESSAGES = 10_000;
const ATTACKERS = 8;
const IN_FLIGHT = 4;
const TIME_BUDGET_MS = 150_000;

/** mulberry32: a small, well-known seeded PRNG, so a failing run can be replayed exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;

const strangeStrings = ['', ' ', '__proto__', 'constructor', 'prototype', '\u202Eexe', '\u0000', '💥'.repeat(40), 'a'.repeat(300), '../../etc/passwd', '{"$gt":""}', 'null', 'NaN'];
const fieldNames = ['roomId', 'displayName', 'passcode', 'rtpCapabilities', 'resumeToken', 'ownerKey', 'transportId', 'dtlsParameters', 'kind', 'rtpParameters', 'source', 'paused', 'producerId', 'consumerId', 'spatialLayer', 'temporalLayer', 'text', 'raised', 'reaction', 'peerId', 'locked', '__proto__', 'constructor'];

/** Ids the host really issued, so some messages reach deep into the handlers. */
const knownIds: string[] = [];

function value(depth: number): unknown {
  const roll = random();
  if (roll < 0.15) return chance(0.5) && knownIds.length > 0 ? pick(knownIds) : pick(strangeStrings);
  if (roll < 0.25) return pick([0, -1, 1, 3, 2 ** 31, -(2 ** 53), 1.5, Number.MAX_SAFE_INTEGER]);
  if (roll < 0.3) return pick([true, false, null]);
  if (roll < 0.31) return 'x'.repeat(Math.floor(random() * 70_000));
  if (depth <= 0) return pick(strangeStrings);
  if (roll < 0.5) return Array.from({ length: Math.floor(random() * 6) }, () => value(depth - 1));
  return object(depth - 1);
}

function object(depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 6); i > 0; i--) result[chance(0.8) ? pick(fieldNames) : pick(strangeStrings)] = value(depth);
  return result;
}

function payload(): unknown {
  const roll = random();
  if (roll < 0.01) return 'z'.repeat(1024 * 1024); // 1 MiB: over the transport's cap, the host drops the connection
  if (roll < 0.03) return { text: 'y'.repeat(100_000 + Math.floor(random() * 100_000)) };
  if (roll < 0.1) return pick([undefined, null, 42, 'text', []]);
  return object(3);
}

function eventName(): string {
  const roll = random();
  if (roll < 0.7) return pick(requestNames);
  if (roll < 0.8) return pick(['newConsumer', 'welcome', 'peerJoined', 'chatMessage', 'hasOwnProperty', 'toString', '__proto__', 'constructor']);
  return pick(strangeStrings) || 'empty';
}

function isTypedAck(ack: unknown): boolean {
  if (typeof ack !== 'object' || ack === null) return false;
  const result = ack as Ack<unknown>;
  if (result.ok === true) return 'data' in result;
  return result.ok === false && (errorCodes as readonly string[]).includes(result.error?.code) && typeof result.error.message === 'string';
}

let host: Host;
beforeAll(async () => {
  // A join whose connection broke is held for a resume this long, then closed: the final wait covers it.
  host = await startTestHost({ roomIdleCloseMs: 200, maxConnectionsPerAddress: 16, resumeGraceMs: 2_000 });
});
afterAll(async () => {
  await host.stop();
});

it(`answers ${MESSAGES} fuzzed messages with typed results and leaves nothing behind (seed ${SEED})`, async () => {
  const started = Date.now();
  const stats = { sent: 0, typed: 0, untyped: 0, dropped: 0, reconnects: 0, codes: new Map<string, number>() };
  const untypedExamples: string[] = [];

  const attackers: RawClient[] = [];
  const connectAttacker = async (i: number) => rawClientFrom(host.baseUrl, `127.0.9.${i + 1}`);
  for (let i = 0; i < ATTACKERS; i++) attackers.push(await connectAttacker(i));
  const reconnecting: (Promise<RawClient> | undefined)[] = [];

  // Legitimate participants come and go while the fuzz runs; they must always get in.
  let legitJoins = 0;
  let legitRunning = true;
  const legit = (async () => {
    for (let round = 0; legitRunning && round < 200; round++) {
      const client = await rawClientFrom(host.baseUrl, '127.0.8.1');
      try {
        const ack = await rawJoin(client, `office-${round % 3}`, `Colleague ${round}`);
        expect(ack.ok, JSON.stringify(ack).slice(0, 200)).toBe(true);
        if (ack.ok) {
          knownIds.push(ack.data.peerId, ack.data.sendTransport.id, ack.data.recvTransport.id);
          legitJoins++;
          expect((await client.request('sendChat', { text: `hello ${round}` })).ok).toBe(true);
          expect((await client.request('leave', {})).ok).toBe(true);
        }
      } finally {
        client.close();
      }
    }
  })();

  const fire = async (index: number) => {
    if (!attackers[index]!.socket.connected) {
      // One reconnection per attacker, however many of its messages noticed the drop.
      reconnecting[index] ??= connectAttacker(index).then((client) => {
        attackers[index] = client;
        stats.reconnects++;
        reconnecting[index] = undefined;
        return client;
      });
      await reconnecting[index];
    }
    const attacker = attackers[index]!;
    const name = eventName();
    const body = payload();
    // Now and then a valid join, so the rest of the messages reach joined-state handlers.
    if (chance(0.03)) {
      const ack = await rawJoin(attacker, pick(['office-0', `fuzz-${index}`]), `Fuzzer ${index}`).catch(() => undefined);
      if (ack?.ok) knownIds.push(ack.data.peerId, ack.data.sendTransport.id, ack.data.recvTransport.id, ...ack.data.consumers.map((c: { consumerId: string }) => c.consumerId));
    }
    stats.sent++;
    try {
      const socket = attacker.socket;
      const ack = await new Promise<unknown>((resolve, reject) => {
        // The host closes the connection on an oversized frame: stop waiting for that answer then.
        const onDisconnect = () => reject(new Error('disconnected'));
        socket.once('disconnect', onDisconnect);
        socket.timeout(5_000).emitWithAck(name, body).then(resolve, reject).finally(() => socket.off('disconnect', onDisconnect));
      });
      if (isTypedAck(ack)) {
        stats.typed++;
        const code = (ack as Ack<unknown>).ok ? 'ok' : (ack as { error: { code: string } }).error.code;
        stats.codes.set(code, (stats.codes.get(code) ?? 0) + 1);
      } else {
        stats.untyped++;
        if (untypedExamples.length < 5) untypedExamples.push(`${name}: ${JSON.stringify(ack)?.slice(0, 200)}`);
      }
    } catch {
      // No answer: the host closed the connection (oversized frame) or the name is reserved by socket.io.
      stats.dropped++;
    }
  };

  // Several messages in flight per connection, as a hostile client would send them.
  await Promise.all(
    Array.from({ length: ATTACKERS * IN_FLIGHT }, async (_, i) => {
      while (stats.sent < MESSAGES && Date.now() - started < TIME_BUDGET_MS) await fire(i % ATTACKERS);
    }),
  );
  legitRunning = false;
  await legit;
  await Promise.all(reconnecting.filter((pending) => pending !== undefined));
  for (const attacker of attackers) attacker.close();

  const summary = { seed: SEED, ...stats, codes: Object.fromEntries(stats.codes), legitJoins, seconds: (Date.now() - started) / 1000 };
  console.log(`fuzz: ${JSON.stringify(summary)}`);
  expect(stats.sent, 'all messages sent within the time budget').toBeGreaterThanOrEqual(MESSAGES);
  expect(untypedExamples).toEqual([]);
  expect(stats.typed).toBeGreaterThan(MESSAGES * 0.9);
  expect(legitJoins).toBeGreaterThan(5);
  expect(host.pool.slots.every((slot) => !slot.worker.closed)).toBe(true);

  const report = await waitFor(async () => {
    const h = await health(host);
    return h.rooms.length === 0 && h.peers === 0 ? h : undefined;
  }, 'every room to close after the fuzz', 10_000);
  expect(report.workers.every((w) => w.routers === 0)).toBe(true);
  expect((await host.pool.slots[0]!.worker.dump()).routerIds).toEqual([]);
}, 200_000);
