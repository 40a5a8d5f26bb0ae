/**
 * Security review items 1 and 2: passcode guessing is rate-limited whatever the join carries, and
 * a join that fails at any point leaves no room, router or timer behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import { limits } from '../../shared/limits';
import { startTestHost, waitFor } from '../support/testHost';
import { rawClient, type RawClient } from '../support/rawClient';
import { errorCode, health, rawClientFrom, rawJoin } from './support';

describe('passcode guessing (item 1)', () => {
  let host: Host;
  let owner: RawClient;
  const clients: RawClient[] = [];
  const room = 'guarded';

  beforeAll(async () => {
    host = await startTestHost();
    owner = await rawClient(host.baseUrl);
    expect(errorCode(await rawJoin(owner, room, 'Owner', { ownerKey: host.ownerKey }))).toBeUndefined();
    expect(await owner.request('hostSetPasscode', { passcode: '4711' })).toEqual({ ok: true, data: {} });
  });
  afterAll(async () => {
    for (const client of [owner, ...clients]) client.close();
    await host.stop();
  });

  const attacker = async (address = '127.0.0.1') => {
    const client = await rawClientFrom(host.baseUrl, address);
    clients.push(client);
    return client;
  };

  it('counts every wrong guess, with or without a resume token, from any socket or name, and blocks the right one too', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < limits.passcodeAttemptsPerWindow + 3; i++) {
      const client = await attacker();
      const extra = i % 2 === 0 ? { resumeToken: 'bogus' } : { resumeToken: `forged-${i}` };
      codes.push(errorCode(await rawJoin(client, room, `Guesser ${i}`, { passcode: String(1000 + i), ...extra })));
      client.close();
    }
    expect(codes.slice(0, limits.passcodeAttemptsPerWindow)).toEqual(Array(limits.passcodeAttemptsPerWindow).fill('unauthorized'));
    expect(codes.slice(limits.passcodeAttemptsPerWindow)).toEqual(['rate_limited', 'rate_limited', 'rate_limited']);
    // Even the right passcode is refused while this address is blocked for this room: guessing gains nothing.
    const lucky = await attacker();
    expect(errorCode(await rawJoin(lucky, room, 'Lucky', { passcode: '4711' }))).toBe('rate_limited');
  });

  it('counts guesses sent all at once before any of them is answered', async () => {
    const client = await attacker('127.0.0.2');
    const sockets = await Promise.all(Array.from({ length: 20 }, () => attacker('127.0.0.2')));
    const acks = await Promise.all([client, ...sockets].map((s, i) => rawJoin(s, room, `Burst ${i}`, { passcode: String(2000 + i) })));
    const codes = acks.map(errorCode);
    expect(codes.filter((c) => c === 'unauthorized').length).toBe(limits.passcodeAttemptsPerWindow);
    expect(codes.filter((c) => c === 'rate_limited').length).toBe(21 - limits.passcodeAttemptsPerWindow);
  });

  it('does not lock out the same office address from other rooms, nor other addresses from this one', async () => {
    // Same address as the blocked attacker (one NAT), another meeting: unaffected.
    const colleague = await attacker();
    expect(errorCode(await rawJoin(colleague, 'standup', 'Colleague'))).toBeUndefined();
    // Another address, right passcode: let in.
    const guest = await attacker('127.0.0.3');
    expect(errorCode(await rawJoin(guest, room, 'Guest', { passcode: '4711' }))).toBeUndefined();
  });
});

describe('failed joins leave nothing behind (item 2)', () => {
  let host: Host;
  const idleCloseMs = 300;

  beforeAll(async () => {
    host = await startTestHost({ roomIdleCloseMs: idleCloseMs });
  });
  afterAll(async () => {
    await host.stop();
  });

  const everythingClosed = async () => {
    const report = await waitFor(async () => {
      const h = await health(host);
      return h.rooms.length === 0 && h.peers === 0 ? h : undefined;
    }, 'every room closed', 5_000);
    expect(report.workers.every((w) => w.routers === 0)).toBe(true);
    expect((await host.pool.slots[0]!.worker.dump()).routerIds).toEqual([]);
  };

  it('treats an owner key of another byte length as a wrong key (typed answer), and closes those rooms', async () => {
    const clients: RawClient[] = [];
    const codes = new Map<string, number>();
    for (let s = 0; s < 10; s++) {
      const client = await rawClientFrom(host.baseUrl, `127.0.1.${s + 1}`);
      clients.push(client);
      for (let i = 0; i < limits.joinsPerMinute; i++) {
        // Same string length as the real key, twice the bytes: used to throw inside the compare.
        const ownerKey = (i % 2 === 0 ? 'é' : '\u{1F600}').repeat(host.ownerKey.length);
        const ack = await rawJoin(client, `leak-${s}-${i}`, 'Leaky', { ownerKey });
        const key = ack.ok ? `joined isHost=${String(ack.data.isHost)}` : ack.error.code;
        codes.set(key, (codes.get(key) ?? 0) + 1);
        if (ack.ok) await client.request('leave', {});
      }
    }
    expect(Object.fromEntries(codes)).toEqual({ 'joined isHost=false': 10 * limits.joinsPerMinute });
    for (const client of clients) client.close();
    await everythingClosed();
  });

  it('closes a room that nobody managed to enter, whatever stopped the join', async () => {
    // A client that vanishes in the middle of its join.
    for (let i = 0; i < 5; i++) {
      const vanishing = await rawClient(host.baseUrl);
      const { routerRtpCapabilities } = await vanishing.welcome;
      vanishing.socket.emit('join', { roomId: `vanish-${i}`, displayName: 'Gone', rtpCapabilities: routerRtpCapabilities }, () => undefined);
      vanishing.close();
    }
    // Joins past the connection's join budget.
    const eager = await rawClient(host.baseUrl);
    for (let i = 0; i < limits.joinsPerMinute + 5; i++) {
      const ack = await rawJoin(eager, `eager-${i}`, 'Eager');
      if (ack.ok) await eager.request('leave', {});
      else expect(ack.error.code).toBe('rate_limited');
    }
    eager.close();
    await everythingClosed();
  });

  it('still closes an emptied passcode room while rate-limited guesses keep arriving', async () => {
    const owner = await rawClient(host.baseUrl);
    expect((await rawJoin(owner, 'emptied', 'Owner', { ownerKey: host.ownerKey })).ok).toBe(true);
    await owner.request('hostSetPasscode', { passcode: 'secret' });
    await owner.request('leave', {});
    owner.close();
    const guesser = await rawClientFrom(host.baseUrl, '127.0.2.1');
    const codes: string[] = [];
    for (let i = 0; i <= limits.passcodeAttemptsPerWindow; i++) {
      const ack = await rawJoin(guesser, 'emptied', 'Guesser', { passcode: `guess-${i}`, resumeToken: 'bogus' });
      codes.push(ack.ok ? 'ok' : ack.error.code);
    }
    guesser.close();
    expect(codes.at(-1)).toBe('rate_limited');
    expect(codes).not.toContain('ok');
    await everythingClosed();
  });
});
