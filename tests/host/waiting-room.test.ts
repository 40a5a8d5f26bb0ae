/**
 * Issue 14 part 2, host side: the waiting room through real sockets and the real host. Arrivals
 * wait (no transports, nothing of the meeting) until the host admits or denies them; the list
 * follows the host role; the last one out ends the wait; and the queue is bounded (list cap,
 * per-address cap, knock rate, wait time) and forgets whoever disconnects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import type { HostConfigInput } from '../../electron/host/config';
import { limits } from '../../shared/limits';
import type { Ack, WaitingList } from '../../shared/protocol';
import { startTestHost, waitFor } from '../support/testHost';
import type { RawClient } from '../support/rawClient';
import { errorCode, rawClientFrom, rawJoin } from '../security/support';

let host: Host | undefined;
let clients: RawClient[] = [];
let addressCounter = 0;
afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  await host?.stop();
  host = undefined;
});

const start = async (overrides: HostConfigInput = {}) => (host = await startTestHost({ waitingRoom: true, resumeWindowMs: 2_000, ...overrides }));

/** A client from its own loopback address unless `address` is given (limits are per address). */
const connect = async (address = `127.0.${20 + Math.floor(addressCounter / 200)}.${(addressCounter++ % 200) + 1}`) => {
  const client = await rawClientFrom(host!.baseUrl, address);
  clients.push(client);
  return client;
};

/** Every event a client receives, by name. */
const recorder = (client: RawClient) => {
  const seen: { name: string; data: any }[] = [];
  client.socket.onAny((name: string, data: unknown) => seen.push({ name, data }));
  return seen;
};

const joinAsOwner = async (roomId: string, name = 'Host') => {
  const client = await connect();
  const seen = recorder(client);
  const ack = await rawJoin(client, roomId, name, { ownerKey: host!.ownerKey });
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return { client, seen, data: dataOf(ack) };
};

/** Sends a join that will wait: resolves once the host said `waiting`; `answer` is the join's ack. */
const knock = async (roomId: string, name: string, extra: Record<string, unknown> = {}, address?: string) => {
  const client = await connect(address);
  const seen = recorder(client);
  const waiting = new Promise<{ maxWaitMs: number }>((resolve) => client.socket.once('waiting', resolve));
  const { routerRtpCapabilities } = await client.welcome;
  // A waiting join is answered when the host decides: far beyond rawClient's 5 s request timeout.
  const answer = client.socket.timeout(60_000).emitWithAck('join', { roomId, displayName: name, rtpCapabilities: routerRtpCapabilities, ...extra }) as Promise<Ack<any>>;
  return { client, seen, waiting, answer };
};

/** The answer's data; fails the test with the error when the host refused. */
const dataOf = (ack: Ack<any>): any => {
  if (!ack.ok) throw new Error(`refused: ${JSON.stringify(ack.error)}`);
  return ack.data;
};

const lastList = (seen: { name: string; data: any }[]): WaitingList | undefined => seen.filter((e) => e.name === 'waitingList').at(-1)?.data;
const listNames = (seen: { name: string; data: any }[]) => lastList(seen)?.entries.map((e) => e.displayName) ?? [];

describe('waiting room: knock, admit, deny, admit all', () => {
  it('holds an arrival without media or meeting state until the host admits it; the join then completes with the normal answer', async () => {
    await start();
    const owner = await joinAsOwner('knock');
    expect(owner.data.waitingRoom).toBe(true);
    expect(owner.data.waitingList).toEqual({ version: expect.any(Number), entries: [] });
    await owner.client.request('sendChat', { text: 'before anyone knocks' });

    const guest = await knock('knock', 'Guest');
    expect((await guest.waiting).maxWaitMs).toBe(15 * 60_000);
    await waitFor(() => listNames(owner.seen).includes('Guest'), 'the host to see the knock');
    const knocked = owner.seen.find((e) => e.name === 'knock')!.data;
    expect(knocked).toMatchObject({ displayName: 'Guest', id: expect.any(String) });
    // While waiting: no participant, no transports, nothing of the meeting reaches the guest.
    const room = host!.rooms.get('knock')!;
    expect(room.peers.size).toBe(1);
    await owner.client.request('sendChat', { text: 'while someone waits' });
    await owner.client.request('setHand', { raised: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(guest.seen.map((e) => e.name)).toEqual(['waiting']);
    // Other requests of the waiting connection are refused: it is not in the meeting.
    expect(errorCode(await guest.client.request('sendChat', { text: 'let me in' }))).toBe('not_joined');

    expect(await owner.client.request('hostAdmit', { waitingId: knocked.id })).toEqual({ ok: true, data: {} });
    const answer = await guest.answer;
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
    expect(dataOf(answer).peers.map((p: { displayName: string }) => p.displayName)).toEqual(['Host']);
    expect(dataOf(answer).sendTransport.id).toEqual(expect.any(String));
    expect(dataOf(answer).chatHistory.map((m: { text: string }) => m.text)).toEqual(['before anyone knocks', 'while someone waits']);
    expect(dataOf(answer).waitingList).toBeUndefined(); // only the host sees who waits
    await waitFor(() => owner.seen.some((e) => e.name === 'peerJoined' && e.data.displayName === 'Guest'), 'the host to see the guest join');
    expect(lastList(owner.seen)!.entries).toEqual([]);
    expect(room.peers.size).toBe(2);
  });

  it('denies with a typed error and a clear message, and the list forgets the denied', async () => {
    await start();
    const owner = await joinAsOwner('deny');
    const guest = await knock('deny', 'Mallory');
    await guest.waiting;
    await waitFor(() => listNames(owner.seen).includes('Mallory'), 'the knock');
    const { id } = lastList(owner.seen)!.entries[0]!;
    expect((await owner.client.request('hostDeny', { waitingId: id })).ok).toBe(true);
    const answer = await guest.answer;
    expect(answer).toEqual({ ok: false, error: { code: 'denied', message: 'The host did not let you in' } });
    expect(lastList(owner.seen)!.entries).toEqual([]);
    expect(host!.rooms.get('deny')!.peers.size).toBe(1);
    // Deciding twice about the same knock: typed, nothing happens.
    expect(errorCode(await owner.client.request('hostAdmit', { waitingId: id }))).toBe('not_found');
  });

  it('admits everyone waiting at once; only the host may decide', async () => {
    await start();
    const owner = await joinAsOwner('all');
    const early = await knock('all', 'Early', {});
    await early.waiting;
    await waitFor(() => listNames(owner.seen).includes('Early'), 'the first knock');
    expect((await owner.client.request('hostAdmit', { waitingId: lastList(owner.seen)!.entries[0]!.id })).ok).toBe(true);
    expect((await early.answer).ok).toBe(true);
    const waiters = await Promise.all(['Ann', 'Bob', 'Cem'].map((name) => knock('all', name)));
    await Promise.all(waiters.map((w) => w.waiting));
    await waitFor(() => listNames(owner.seen).length === 3, 'three waiting');
    // A participant who is not the host cannot let anyone in.
    expect(errorCode(await early.client.request('hostAdmitAll', {}))).toBe('unauthorized');
    expect(errorCode(await early.client.request('hostAdmit', { waitingId: lastList(owner.seen)!.entries[0]!.id }))).toBe('unauthorized');
    expect(errorCode(await early.client.request('hostSetWaitingRoom', { enabled: false }))).toBe('unauthorized');
    expect(await owner.client.request('hostAdmitAll', {})).toEqual({ ok: true, data: { admitted: 3 } });
    const answers = await Promise.all(waiters.map((w) => w.answer));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(host!.rooms.get('all')!.peers.size).toBe(5);
  });

  it('turning the waiting room off lets everyone waiting in and tells the room; on again, arrivals wait', async () => {
    await start({ waitingRoom: false });
    const owner = await joinAsOwner('toggle');
    expect(owner.data.waitingRoom).toBe(false);
    const guest = await rawJoin(await connect(), 'toggle', 'Walk-in');
    expect(guest.ok).toBe(true);
    expect((await owner.client.request('hostSetWaitingRoom', { enabled: true })).ok).toBe(true);
    await waitFor(() => owner.seen.some((e) => e.name === 'waitingRoomChanged' && e.data.enabled === true), 'the change announced');
    const late = await knock('toggle', 'Late');
    await late.waiting;
    expect((await owner.client.request('hostSetWaitingRoom', { enabled: false })).ok).toBe(true);
    expect((await late.answer).ok).toBe(true);
    expect(host!.rooms.get('toggle')!.peers.size).toBe(3);
  });
});

describe('waiting room: who may skip it, and the passcode before it', () => {
  it('checks the passcode before knocking: a wrong passcode never reaches the host', async () => {
    await start();
    const owner = await joinAsOwner('passcode');
    expect((await owner.client.request('hostSetPasscode', { passcode: 'sesame' })).ok).toBe(true);
    const wrong = await rawJoin(await connect(), 'passcode', 'Guesser', { passcode: 'nope' });
    expect(errorCode(wrong)).toBe('unauthorized');
    const right = await knock('passcode', 'Friend', { passcode: 'sesame' });
    await right.waiting;
    await waitFor(() => listNames(owner.seen).includes('Friend'), 'the right passcode to knock');
    expect(owner.seen.filter((e) => e.name === 'knock').map((e) => e.data.displayName)).toEqual(['Friend']);
  });

  it('refuses a knock on a locked meeting, and a name with direction controls before it reaches the list', async () => {
    await start();
    const owner = await joinAsOwner('locked');
    const spoof = await rawJoin(await connect(), 'locked', 'gnp\u202Eexe.');
    expect(errorCode(spoof)).toBe('bad_request');
    expect((await owner.client.request('hostLockRoom', { locked: true })).ok).toBe(true);
    expect(errorCode(await rawJoin(await connect(), 'locked', 'Knocker'))).toBe('room_locked');
    expect(owner.seen.some((e) => e.name === 'knock')).toBe(false);
  });

  it('lets an admitted guest back after a drop without knocking, within the resume window', async () => {
    await start();
    const owner = await joinAsOwner('resume');
    const guest = await knock('resume', 'Guest');
    await guest.waiting;
    await waitFor(() => listNames(owner.seen).includes('Guest'), 'the knock');
    await owner.client.request('hostAdmit', { waitingId: lastList(owner.seen)!.entries[0]!.id });
    const first = await guest.answer;
    expect(first.ok).toBe(true);
    guest.client.close();
    await waitFor(() => !host!.rooms.get('resume')!.peers.has(dataOf(first).peerId), 'the drop');
    const knocksBefore = owner.seen.filter((e) => e.name === 'knock').length;
    const back = await rawJoin(await connect(), 'resume', 'Guest', { resumeToken: dataOf(first).resumeToken });
    expect(back.ok, JSON.stringify(back)).toBe(true);
    expect(dataOf(back).peerId).toBe(dataOf(first).peerId);
    expect(owner.seen.filter((e) => e.name === 'knock').length).toBe(knocksBefore);
  });
});

describe('waiting room: the host leaving, the last one out', () => {
  it('hands the list to the new host when the host leaves while people wait', async () => {
    await start();
    const owner = await joinAsOwner('handover');
    const guest = await knock('handover', 'Deputy');
    await guest.waiting;
    await waitFor(() => listNames(owner.seen).includes('Deputy'), 'the knock');
    await owner.client.request('hostAdmit', { waitingId: lastList(owner.seen)!.entries[0]!.id });
    const deputy = await guest.answer;
    expect(deputy.ok).toBe(true);
    const waiter = await knock('handover', 'Waiter');
    await waiter.waiting;
    await waitFor(() => listNames(owner.seen).includes('Waiter'), 'the second knock');
    expect(lastList(guest.seen)).toBeUndefined(); // not host yet: sees nobody waiting

    expect((await owner.client.request('leave', {})).ok).toBe(true);
    await waitFor(() => guest.seen.some((e) => e.name === 'peerUpdated' && e.data.isHost === true && e.data.peerId === dataOf(deputy).peerId), 'the deputy to become host');
    expect(listNames(guest.seen)).toEqual(['Waiter']);
    expect((await guest.client.request('hostAdmit', { waitingId: lastList(guest.seen)!.entries[0]!.id })).ok).toBe(true);
    expect((await waiter.answer).ok).toBe(true);
  });

  it('tells those waiting that the meeting ended when the last participant leaves', async () => {
    await start();
    const owner = await joinAsOwner('last');
    const guest = await knock('last', 'Patient');
    await guest.waiting;
    expect((await owner.client.request('leave', {})).ok).toBe(true);
    expect(await guest.answer).toEqual({ ok: false, error: { code: 'not_found', message: 'the meeting ended' } });
    await waitFor(() => !host!.rooms.get('last'), 'the room to close after its idle time');
  });

  it('tells those waiting when the host stops hosting', async () => {
    await start();
    await joinAsOwner('stopping');
    const guest = await knock('stopping', 'Patient');
    await guest.waiting;
    const ended = new Promise<{ reason: string }>((resolve) => guest.client.socket.once('meetingEnded', resolve));
    guest.answer.catch(() => undefined); // the connection closes with the host: the answer may not get out
    await host!.stop();
    host = undefined;
    expect((await ended).reason).toMatch(/meeting ended/);
  });
});

describe('waiting room: bounds', () => {
  it('forgets a waiting connection that goes; a room nobody was let into closes', async () => {
    await start();
    const guest = await knock('nobody-home', 'Early bird');
    await guest.waiting;
    const room = host!.rooms.get('nobody-home')!;
    expect(room.meetingState.admission.waiting.size).toBe(1);
    guest.client.close();
    await waitFor(() => room.closed, 'the never-entered room to close');
    expect(room.meetingState.admission.waiting.size).toBe(0);
    expect(host!.rooms.get('nobody-home')).toBeUndefined();
  });

  it('removes a vanished waiter from the host list; the join deadline does not cut a wait short', async () => {
    await start({ joinDeadlineMs: 1_000 });
    const owner = await joinAsOwner('vanish');
    const stays = await knock('vanish', 'Stays');
    const goes = await knock('vanish', 'Goes');
    await Promise.all([stays.waiting, goes.waiting]);
    await waitFor(() => listNames(owner.seen).length === 2, 'two waiting');
    goes.client.close();
    await waitFor(() => listNames(owner.seen).join() === 'Stays', 'the vanished one to leave the list');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(stays.client.socket.connected).toBe(true);
  });

  it('ends a wait nobody answers with a typed error', async () => {
    await start({ waitingRoomMaxWaitMs: 1_000 });
    const owner = await joinAsOwner('slow');
    const guest = await knock('slow', 'Patient');
    expect((await guest.waiting).maxWaitMs).toBe(1_000);
    expect(errorCode(await guest.answer)).toBe('waiting_timeout');
    await waitFor(() => lastList(owner.seen)?.entries.length === 0, 'the list to empty');
  });

  it('caps knocks per address, waiting people per address, and the list', async () => {
    await start();
    const owner = await joinAsOwner('caps');
    // One address: at most maxWaitingPerAddress waiting at once...
    const crowd = [];
    for (let i = 0; i < limits.maxWaitingPerAddress; i++) crowd.push(await knock('caps', `Same ${i}`, {}, '127.0.9.1'));
    await Promise.all(crowd.map((w) => w.waiting));
    const over = await rawJoin(await connect('127.0.9.1'), 'caps', 'One more');
    expect(errorCode(over)).toBe('limit_exceeded');
    for (const w of crowd) w.client.close();
    await waitFor(() => lastList(owner.seen)?.entries.length === 0, 'the crowd to go');
    // ...and at most knocksPerAddressPerMinute knocks a minute (the refused one above counted too).
    const again = await rawJoin(await connect('127.0.9.1'), 'caps', 'Again');
    expect(errorCode(again)).toBe('rate_limited');
    expect(limits.knocksPerAddressPerMinute).toBe(limits.maxWaitingPerAddress);

    // The list: maxWaitingPerRoom from many addresses, then the next is refused.
    const addresses = Math.ceil(limits.maxWaitingPerRoom / limits.maxWaitingPerAddress);
    const many = await Promise.all(
      Array.from({ length: limits.maxWaitingPerRoom }, (_, i) => knock('caps', `Many ${i}`, {}, `127.0.8.${(i % addresses) + 1}`)),
    );
    await Promise.all(many.map((w) => w.waiting));
    expect(host!.rooms.get('caps')!.meetingState.admission.waiting.size).toBe(limits.maxWaitingPerRoom);
    expect(errorCode(await rawJoin(await connect('127.0.7.1'), 'caps', 'Too many'))).toBe('limit_exceeded');
    expect(await owner.client.request('hostAdmitAll', {})).toEqual({ ok: true, data: { admitted: limits.maxWaitingPerRoom } });
    const answers = await Promise.all(many.map((w) => w.answer));
    // The room holds maxPeersPerRoom: the host let everyone in, the size cap still holds.
    expect(answers.filter((a) => a.ok).length).toBe(limits.maxPeersPerRoom - 1);
    expect(answers.filter((a) => errorCode(a) === 'room_full').length).toBe(limits.maxWaitingPerRoom - limits.maxPeersPerRoom + 1);
  }, 120_000);
});
