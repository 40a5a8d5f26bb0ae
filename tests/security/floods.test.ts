/**
 * Security review item 5: every action that reaches the others is budgeted per connection
 * (typed `rate_limited`), idle connections are closed, connections per address are capped, and
 * the chat kept for late joiners has a byte budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import { limits } from '../../shared/limits';
import type { ChatMessage } from '../../shared/protocol';
import { startTestHost } from '../support/testHost';
import { rawClient, type RawClient } from '../support/rawClient';
import { closedByHost, errorCode, rawClientFrom, rawJoin } from './support';

describe('floods (item 5)', () => {
  let host: Host;
  const clients: RawClient[] = [];
  const room = 'busy';
  let listener: RawClient;

  beforeAll(async () => {
    host = await startTestHost({ maxConnectionsPerAddress: 40, joinDeadlineMs: 1_500 });
    listener = await connect();
    expect((await rawJoin(listener, room, 'Listener')).ok).toBe(true);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await host.stop();
  });

  async function connect(address = '127.0.0.1'): Promise<RawClient> {
    const client = await rawClientFrom(host.baseUrl, address);
    clients.push(client);
    return client;
  }

  it('relays at most the chat budget and answers the rest rate_limited', async () => {
    const spammer = await connect();
    expect((await rawJoin(spammer, room, 'Spammer')).ok).toBe(true);
    let relayed = 0;
    listener.socket.on('chatMessage', () => relayed++);
    const acks = await Promise.all(Array.from({ length: 200 }, (_, i) => spammer.request('sendChat', { text: `${i} ${'x'.repeat(1_900)}` })));
    const codes = acks.map((ack) => errorCode(ack) ?? 'ok');
    expect(codes.filter((c) => c === 'ok').length).toBe(limits.chatMessagesPer10s);
    expect(codes.filter((c) => c === 'rate_limited').length).toBe(200 - limits.chatMessagesPer10s);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(relayed).toBe(limits.chatMessagesPer10s);
    const limited = acks.find((ack) => !ack.ok);
    expect(limited).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/chat messages; try again in \d+ s/) } });
  });

  it('budgets renames, hand toggles and reactions the same way', async () => {
    const fidget = await connect();
    expect((await rawJoin(fidget, room, 'Fidget')).ok).toBe(true);
    const burst = async (name: string, payload: (i: number) => unknown, budget: number) => {
      const acks = await Promise.all(Array.from({ length: budget + 10 }, (_, i) => fidget.request(name, payload(i))));
      expect(acks.filter((ack) => ack.ok).length, name).toBe(budget);
      expect(acks.filter((ack) => errorCode(ack) === 'rate_limited').length, name).toBe(10);
    };
    await burst('setDisplayName', (i) => ({ displayName: `Fidget ${i}` }), limits.renamesPer10s);
    await burst('setHand', (i) => ({ raised: i % 2 === 0 }), limits.handTogglesPer10s);
    await burst('sendReaction', () => ({ reaction: '👍' }), limits.reactionsPerSecond);
  });

  it('keeps chat history for late joiners within its byte budget', async () => {
    for (let s = 0; s < 5; s++) {
      const writer = await connect(`127.0.3.${s + 1}`);
      expect((await rawJoin(writer, 'history', `Writer ${s}`)).ok).toBe(true);
      await Promise.all(Array.from({ length: limits.chatMessagesPer10s }, (_, i) => writer.request('sendChat', { text: `${s}-${i} ${'y'.repeat(1_900)}` })));
    }
    const late = await connect('127.0.3.9');
    const ack = await rawJoin(late, 'history', 'Late');
    expect(ack.ok).toBe(true);
    const history = (ack.ok ? ack.data.chatHistory : []) as ChatMessage[];
    const bytes = history.reduce((n, m) => n + Buffer.byteLength(m.text) + Buffer.byteLength(m.displayName), 0);
    expect(bytes).toBeLessThanOrEqual(limits.chatHistoryBytes);
    expect(history.length).toBeGreaterThan(10);
    expect(history.at(-1)?.text.startsWith(`4-${limits.chatMessagesPer10s - 1} `)).toBe(true);
  });

  it('closes connections that never join, after the join deadline', async () => {
    const idle = await connect('127.0.4.1');
    const joinedOne = await connect('127.0.4.1');
    expect((await rawJoin(joinedOne, 'deadline', 'Joined')).ok).toBe(true);
    await expect(closedByHost(idle, 4_000)).resolves.toBe('io server disconnect');
    expect(joinedOne.socket.connected).toBe(true);
  });

  it('caps connections per address, without affecting other addresses', async () => {
    const from = '127.0.5.1';
    // All at once, well within the join deadline (which would otherwise free slots meanwhile).
    const attempts = await Promise.allSettled(Array.from({ length: 60 }, () => connect(from)));
    const accepted = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    const refused = attempts.flatMap((a) => (a.status === 'rejected' ? [(a.reason as Error).message] : []));
    expect(accepted.length).toBe(40);
    expect(refused.length).toBe(20);
    expect(refused[0]).toMatch(/too many connections from your address/);
    const neighbour = await connect('127.0.5.2');
    expect(neighbour.socket.connected).toBe(true);
    for (const client of accepted) client.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await connect(from)).socket.connected).toBe(true);
  });
});
