/**
 * Issue 10, host side: limits that hold under concurrency (6), placement that skips dead workers
 * and follows load (7), a room close that tells clients and releases waiters and keeps a meeting's
 * protection (8), and close events that carry their cause (9).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import type { PeerCloseCause } from '../../electron/host/Peer';
import { limits } from '../../shared/limits';
import { startTestHost, waitFor } from '../support/testHost';
import type { RawClient } from '../support/rawClient';
import { errorCode, rawClientFrom, rawJoin } from '../security/support';

let host: Host | undefined;
let clients: RawClient[] = [];
afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  await host?.stop();
  host = undefined;
});

const connect = async (h: Host, n = clients.length) => {
  const client = await rawClientFrom(h.baseUrl, `127.0.${10 + Math.floor(n / 50)}.${(n % 50) + 1}`);
  clients.push(client);
  return client;
};

describe('limits under concurrency (item 6)', () => {
  it('never lets concurrent joins overfill a room', async () => {
    host = await startTestHost();
    const h = host;
    for (let i = 0; i < limits.maxPeersPerRoom - 5; i++) expect((await rawJoin(await connect(h), 'full', `Early ${i}`)).ok).toBe(true);
    const late = await Promise.all(Array.from({ length: 12 }, async (_, i) => rawJoin(await connect(h), 'full', `Late ${i}`)));
    expect(late.filter((ack) => ack.ok).length).toBe(5);
    expect(late.filter((ack) => errorCode(ack) === 'room_full').length).toBe(7);
    expect(h.rooms.get('full')!.peers.size).toBe(limits.maxPeersPerRoom);
  });

  it('refuses a newcomer whose join was still in flight when the host locked the room', async () => {
    host = await startTestHost();
    const owner = await connect(host);
    expect((await rawJoin(owner, 'race', 'Owner', { ownerKey: host.ownerKey })).ok).toBe(true);
    const newcomer = await connect(host);
    const { routerRtpCapabilities } = await newcomer.welcome;
    // The join reaches the host first and then waits for its transports; the lock arrives meanwhile.
    const join = newcomer.request('join', { roomId: 'race', displayName: 'Newcomer', rtpCapabilities: routerRtpCapabilities });
    const lock = owner.request('hostLockRoom', { locked: true });
    expect(await lock).toEqual({ ok: true, data: {} });
    expect(errorCode(await join)).toBe('room_locked');
    expect(host.rooms.get('race')!.peers.size).toBe(1);
  });
});

describe('placement (item 7)', () => {
  it('never places a room on a dead worker', async () => {
    host = await startTestHost({ workers: 2 });
    const h = host;
    const victim = h.pool.slots[0]!;
    const deadPid = victim.worker.pid;
    // The moment the death is known (before any replacement can start), placement must skip the slot.
    const chosen = new Promise((resolve) => h.pool.once('workerDied', () => resolve(h.pool.leastLoaded())));
    process.kill(deadPid, 'SIGKILL');
    expect(await chosen).toBe(h.pool.slots[1]);
    for (let i = 0; i < 3; i++) {
      const ack = await rawJoin(await connect(h), `after-death-${i}`, 'Joiner');
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
      const worker = h.rooms.get(`after-death-${i}`)!.slot.worker;
      expect(worker.pid).not.toBe(deadPid);
      expect(worker.closed).toBe(false);
    }
  });

  it('places new rooms by media load, not by router count', async () => {
    host = await startTestHost({ workers: 2 });
    const h = host;
    // A busy room on one worker: a participant consuming many (paused) streams.
    const busy = await connect(h);
    expect((await rawJoin(busy, 'busy', 'Busy')).ok).toBe(true);
    const busySlot = h.rooms.get('busy')!.slot;
    const quiet = h.pool.slots.find((s) => s !== busySlot)!;
    const senders = 6;
    for (let i = 0; i < senders; i++) {
      const sender = await connect(h);
      const ack = await rawJoin(sender, 'busy', `Sender ${i}`);
      if (!ack.ok) throw new Error(ack.error.message);
      await sender.request('produce', { transportId: ack.data.sendTransport.id, kind: 'audio', source: 'mic', rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 5000 + i }] } });
    }
    await waitFor(() => busySlot.consumers >= senders * (senders - 1) / 2, 'consumers on the busy worker');
    // Rooms without media go where the load is low, even though that worker then has more routers.
    for (const name of ['idle-a', 'idle-b']) {
      expect((await rawJoin(await connect(h), name, 'Idle')).ok).toBe(true);
      expect(h.rooms.get(name)!.slot).toBe(quiet);
    }
    expect(quiet.routers).toBeGreaterThan(busySlot.routers);
    const ack = await rawJoin(await connect(h), 'new-room', 'Newcomer');
    expect(ack.ok).toBe(true);
    expect(h.rooms.get('new-room')!.slot).toBe(quiet);
  });
});

describe('room close (item 8)', () => {
  it('tells every participant the meeting ended when the host stops', async () => {
    host = await startTestHost();
    const client = await connect(host);
    expect((await rawJoin(client, 'closing', 'Guest')).ok).toBe(true);
    const ended = new Promise<{ reason: string }>((resolve) => client.socket.once('meetingEnded', resolve));
    await host.stop();
    host = undefined;
    expect((await ended).reason).toMatch(/stopped hosting/);
  });

  it('releases a join waiting for a re-home at once when the room closes', async () => {
    host = await startTestHost();
    const owner = await connect(host);
    expect((await rawJoin(owner, 'waiting', 'Owner')).ok).toBe(true);
    const room = host.rooms.get('waiting')!;
    const slot = host.pool.slots[0]!;
    // Keep the replacement from arriving for this test: the join must wait on the re-home.
    host.pool.removeAllListeners('workerReplaced');
    process.kill(slot.worker.pid, 'SIGKILL');
    await waitFor(() => room.awaitingRehome, 'the room to lose its router');
    const joiner = await connect(host);
    const started = Date.now();
    const join = rawJoin(joiner, 'waiting', 'Joiner');
    await new Promise((resolve) => setTimeout(resolve, 200));
    room.close('rehome_failed');
    expect(errorCode(await join)).toBe('not_found');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('keeps the lock and passcode of a meeting whose room had to be recreated', async () => {
    host = await startTestHost({ resumeWindowMs: 10_000 });
    const owner = await connect(host);
    const joined = await rawJoin(owner, 'fortress', 'Owner', { ownerKey: host.ownerKey });
    expect(joined.ok).toBe(true);
    await owner.request('hostSetPasscode', { passcode: 'moat' });
    await owner.request('hostLockRoom', { locked: true });
    host.rooms.get('fortress')!.close('rehome_failed');
    await waitFor(() => host!.rooms.get('fortress') === undefined, 'the room to be gone');
    const intruder = await connect(host);
    expect(errorCode(await rawJoin(intruder, 'fortress', 'Intruder', { passcode: 'moat' }))).toBe('room_locked');
    // The host comes back with its token and is host again.
    const back = await rawJoin(await connect(host), 'fortress', 'Owner', { resumeToken: joined.ok ? joined.data.resumeToken : '' });
    expect(back.ok && back.data.isHost).toBe(true);
  });
});

describe('close causes (item 9)', () => {
  it('closes each peer with the cause that ended it', async () => {
    host = await startTestHost();
    const h = host;
    const causes = new Map<string, PeerCloseCause>();
    const join = async (name: string, extra = {}) => {
      const client = await connect(h);
      const ack = await rawJoin(client, 'causes', name, extra);
      if (!ack.ok) throw new Error(ack.error.message);
      h.rooms.get('causes')!.peers.get(ack.data.peerId)!.once('close', (cause) => causes.set(name, cause));
      return { client, peerId: ack.data.peerId as string };
    };
    const owner = await join('Owner', { ownerKey: h.ownerKey });
    const leaver = await join('Leaver');
    const kicked = await join('Kicked');
    const dropper = await join('Dropper');
    await leaver.client.request('leave', {});
    await owner.client.request('hostRemovePeer', { peerId: kicked.peerId });
    dropper.client.close();
    await waitFor(() => causes.size === 3, 'three closes');
    process.kill(h.pool.slots[0]!.worker.pid, 'SIGKILL');
    await waitFor(() => causes.size === 4, 'the owner closed with its worker');
    expect(Object.fromEntries(causes)).toEqual({ Leaver: 'left', Kicked: 'kicked', Dropper: 'disconnected', Owner: 'transport_closed' });
  });
});
