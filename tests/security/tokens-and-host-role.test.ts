/**
 * Security review items 3 and 4: resume tokens are single-use, short-lived after a drop and
 * revoked by leave, removal, lock and passcode change; the host role comes from the owner key or
 * the admin token, not from arriving first, and survives the host's reconnect.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import { startTestHost, waitFor } from '../support/testHost';
import { rawClient, type RawClient } from '../support/rawClient';
import { errorCode, rawJoin } from './support';

const RESUME_WINDOW_MS = 1_500;

describe('resume tokens and the host role (items 3 and 4)', () => {
  let host: Host;
  let open: RawClient[] = [];
  let roomCounter = 0;

  beforeAll(async () => {
    host = await startTestHost({ resumeWindowMs: RESUME_WINDOW_MS, roomIdleCloseMs: 5_000 });
  });
  afterEach(() => {
    for (const client of open) client.close();
    open = [];
  });
  afterAll(async () => {
    await host.stop();
  });

  const client = async () => {
    const c = await rawClient(host.baseUrl);
    open.push(c);
    return c;
  };
  const join = async (roomId: string, name: string, extra: Record<string, unknown> = {}) => {
    const c = await client();
    const ack = await rawJoin(c, roomId, name, extra);
    return { client: c, ack, data: ack.ok ? (ack.data as { peerId: string; resumeToken: string; isHost: boolean }) : undefined };
  };
  const freshRoom = () => `tokens-${++roomCounter}`;
  const dropped = async (c: RawClient, roomId: string, peerId: string) => {
    c.close();
    await waitFor(() => !host.rooms.get(roomId)?.peers.has(peerId), 'the host to notice the drop');
  };

  it('lets a dropped participant back as itself once, with a fresh token each time', async () => {
    const room = freshRoom();
    const owner = await join(room, 'Owner', { ownerKey: host.ownerKey });
    const guest = await join(room, 'Guest');
    await dropped(guest.client, room, guest.data!.peerId);
    const back = await join(room, 'Guest', { resumeToken: guest.data!.resumeToken });
    expect(back.data?.peerId).toBe(guest.data!.peerId);
    expect(back.data?.resumeToken).not.toBe(guest.data!.resumeToken);
    // The old token was used up: a copy of it does not take over the participant.
    const copy = await join(room, 'Copycat', { resumeToken: guest.data!.resumeToken });
    expect(copy.data?.peerId).not.toBe(guest.data!.peerId);
    expect(host.rooms.get(room)!.peers.has(guest.data!.peerId)).toBe(true);
    expect(owner.data?.isHost).toBe(true);
  });

  it('tells the participant when a copy of its current token takes its place (never silently)', async () => {
    const room = freshRoom();
    const victim = await join(room, 'Victim');
    const told = new Promise<{ reason: string }>((resolve) => victim.client.socket.once('peerKicked', resolve));
    const thief = await join(room, 'Thief', { resumeToken: victim.data!.resumeToken });
    expect(thief.data?.peerId).toBe(victim.data!.peerId);
    expect((await told).reason).toMatch(/another connection/);
  });

  it('expires a token after the resume window', async () => {
    const room = freshRoom();
    await join(room, 'Owner', { ownerKey: host.ownerKey });
    const guest = await join(room, 'Guest');
    await dropped(guest.client, room, guest.data!.peerId);
    await new Promise((resolve) => setTimeout(resolve, RESUME_WINDOW_MS + 200));
    const late = await join(room, 'Guest', { resumeToken: guest.data!.resumeToken });
    expect(late.data?.peerId).not.toBe(guest.data!.peerId);
  });

  it('revokes tokens on leave, removal, lock and passcode change', async () => {
    const room = freshRoom();
    const owner = await join(room, 'Owner', { ownerKey: host.ownerKey });
    const leaver = await join(room, 'Leaver');
    const removed = await join(room, 'Removed');
    const droppedBeforeLock = await join(room, 'Dropped');
    await leaver.client.request('leave', {});
    expect(await owner.client.request('hostRemovePeer', { peerId: removed.data!.peerId })).toEqual({ ok: true, data: {} });
    await dropped(droppedBeforeLock.client, room, droppedBeforeLock.data!.peerId);
    expect(await owner.client.request('hostLockRoom', { locked: true })).toEqual({ ok: true, data: {} });
    for (const who of [leaver, removed, droppedBeforeLock]) {
      expect(errorCode((await join(room, 'Back', { resumeToken: who.data!.resumeToken })).ack), who.data!.peerId).toBe('room_locked');
    }
    // Passcode change: same for whoever is out at that moment.
    await owner.client.request('hostLockRoom', { locked: false });
    const second = await join(room, 'Second');
    await dropped(second.client, room, second.data!.peerId);
    await owner.client.request('hostSetPasscode', { passcode: 'new-one' });
    expect(errorCode((await join(room, 'Second', { resumeToken: second.data!.resumeToken })).ack)).toBe('unauthorized');
  });

  it('does not make the first joiner host; the owner link and the admin token do', async () => {
    const room = freshRoom();
    const first = await join(room, 'Squatter');
    expect(first.data?.isHost).toBe(false);
    expect(errorCode(await first.client.request('hostLockRoom', { locked: true }))).toBe('unauthorized');
    const byAdminToken = await join(room, 'Operator', { ownerKey: host.adminToken });
    expect(byAdminToken.data?.isHost).toBe(true);
    const byOwnerKey = await join(freshRoom(), 'Desk', { ownerKey: host.ownerKey });
    expect(byOwnerKey.data?.isHost).toBe(true);
  });

  it('keeps the host role across the host reconnecting, and hands it on when the host leaves', async () => {
    const room = freshRoom();
    const owner = await join(room, 'Owner', { ownerKey: host.ownerKey });
    const guest = await join(room, 'Guest');
    const promotions: unknown[] = [];
    guest.client.socket.on('peerUpdated', (update: { isHost?: boolean }) => update.isHost !== undefined && promotions.push(update));
    await dropped(owner.client, room, owner.data!.peerId);
    expect(errorCode(await guest.client.request('hostLockRoom', { locked: true }))).toBe('unauthorized');
    const back = await join(room, 'Owner', { resumeToken: owner.data!.resumeToken });
    expect(back.data?.isHost).toBe(true);
    expect(promotions).toEqual([]);
    await back.client.request('leave', {});
    await waitFor(() => promotions.length > 0, 'the guest to be told it is host');
    expect(promotions).toEqual([{ peerId: guest.data!.peerId, isHost: true }]);
    expect(await guest.client.request('hostLockRoom', { locked: true })).toEqual({ ok: true, data: {} });
  });

  it('hands the role on when a dropped host does not come back within the window', async () => {
    const room = freshRoom();
    const owner = await join(room, 'Owner', { ownerKey: host.ownerKey });
    const guest = await join(room, 'Guest');
    const promoted = new Promise((resolve) => guest.client.socket.on('peerUpdated', (u: { isHost?: boolean }) => u.isHost && resolve(u)));
    await dropped(owner.client, room, owner.data!.peerId);
    await expect(promoted).resolves.toEqual({ peerId: guest.data!.peerId, isHost: true });
  });
});
