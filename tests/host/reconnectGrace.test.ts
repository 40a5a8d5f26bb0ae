/**
 * Issue 11, behaviour 1 at host level: a participant whose connection drops is not gone for the
 * others. The host keeps it listed as `reconnecting` (its tile stays) until it comes back with its
 * resume token — then it is the same participant, not a leave + join — or its resume window lapses,
 * and only then is it announced as gone. Real host, real socket.io connections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import type { Ack } from '../../shared/protocol';
import { rawClient, type RawClient } from '../support/rawClient';
import { startTestHost, waitFor } from '../support/testHost';
import { rawJoin } from '../security/support';

let host: Host | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await host?.stop();
  host = undefined;
});

/** A connected client that records every notification it gets, in order. */
async function observer(h: Host): Promise<RawClient & { seen: [string, Record<string, unknown>][] }> {
  const client = await rawClient(h.baseUrl);
  clients.push(client);
  const seen: [string, Record<string, unknown>][] = [];
  client.socket.onAny((name: string, data: Record<string, unknown>) => seen.push([name, data]));
  return Object.assign(client, { seen });
}

async function joined(h: Host, room: string, name: string, extra: Record<string, unknown> = {}) {
  const client = await observer(h);
  const ack = (await rawJoin(client, room, name, extra)) as Ack<{ peerId: string; resumeToken: string; peers: { id: string; reconnecting?: boolean }[] }>;
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return { client, ...ack.data };
}

const about = (seen: [string, Record<string, unknown>][], peerId: string) => seen.filter(([, data]) => data?.peerId === peerId || data?.id === peerId).map(([name, data]) => (name === 'peerUpdated' ? `${name}:${JSON.stringify({ ...data, peerId: undefined })}` : name));

describe('a dropped participant is shown as reconnecting, not gone', () => {
  it('stays listed as reconnecting while its connection is down, and comes back as itself', async () => {
    host = await startTestHost({ resumeWindowMs: 5_000 });
    const h = host;
    const ann = await joined(h, 'grace', 'Ann');
    const ben = await joined(h, 'grace', 'Ben');
    ann.client.socket.disconnect(); // the link drops: the host sees the connection go
    await waitFor(() => about(ben.client.seen, ann.peerId).includes('peerUpdated:{"reconnecting":true}'), 'Ben told Ann is reconnecting');

    // Someone joining meanwhile sees Ann listed, as reconnecting.
    const cat = await joined(h, 'grace', 'Cat');
    expect(cat.peers.find((p) => p.id === ann.peerId)?.reconnecting).toBe(true);

    // Ann is back (new connection, resume token): the same participant, announced once more, never left.
    const back = await joined(h, 'grace', 'Ann', { resumeToken: ann.resumeToken });
    expect(back.peerId).toBe(ann.peerId);
    await waitFor(() => about(ben.client.seen, ann.peerId).includes('peerJoined'), 'Ben told Ann is back');
    expect(about(ben.client.seen, ann.peerId)).toEqual(['peerUpdated:{"reconnecting":true}', 'peerJoined']);
    expect(about(cat.client.seen, ann.peerId)).toEqual(['peerJoined']);
    const dave = await joined(h, 'grace', 'Dave');
    expect(dave.peers.find((p) => p.id === ann.peerId)?.reconnecting).toBeUndefined();
  });

  it('announces it gone once its resume window lapses', async () => {
    host = await startTestHost({ resumeWindowMs: 1_000 });
    const h = host;
    const ann = await joined(h, 'lapse', 'Ann');
    const ben = await joined(h, 'lapse', 'Ben');
    const droppedAt = Date.now();
    ann.client.socket.disconnect();
    await waitFor(() => about(ben.client.seen, ann.peerId).includes('peerLeft'), 'Ben told Ann left', 5_000);
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(1_000);
    expect(about(ben.client.seen, ann.peerId)).toEqual(['peerUpdated:{"reconnecting":true}', 'peerLeft']);
    // Too late: the token lapsed, so coming back is a new participant.
    const late = await joined(h, 'lapse', 'Ann', { resumeToken: ann.resumeToken });
    expect(late.peerId).not.toBe(ann.peerId);
  });

  it('a participant leaving to rejoin (media repair) is reconnecting; one leaving for good has left', async () => {
    host = await startTestHost({ resumeWindowMs: 5_000 });
    const h = host;
    const ann = await joined(h, 'leave', 'Ann');
    const ben = await joined(h, 'leave', 'Ben');
    const cat = await joined(h, 'leave', 'Cat');
    expect((await ann.client.request('leave', { rejoining: true })).ok).toBe(true);
    expect((await cat.client.request('leave', {})).ok).toBe(true);
    await waitFor(() => about(ben.client.seen, cat.peerId).includes('peerLeft'), 'Ben told Cat left');
    expect(about(ben.client.seen, ann.peerId)).toEqual(['peerUpdated:{"reconnecting":true}']);
    // Ann rejoins on the same connection with her token.
    const { routerRtpCapabilities } = await ann.client.welcome;
    const again = await ann.client.request('join', { roomId: 'leave', displayName: 'Ann', rtpCapabilities: routerRtpCapabilities, resumeToken: ann.resumeToken });
    expect(again.ok && (again.data as { peerId: string }).peerId).toBe(ann.peerId);
    await waitFor(() => about(ben.client.seen, ann.peerId).includes('peerJoined'), 'Ben told Ann is back');
  });

  it('locking the room ends the wait: whoever is reconnecting can no longer come back, so has left', async () => {
    host = await startTestHost({ resumeWindowMs: 30_000 });
    const h = host;
    const owner = await joined(h, 'locked', 'Owner', { ownerKey: h.ownerKey });
    const ann = await joined(h, 'locked', 'Ann');
    ann.client.socket.disconnect();
    await waitFor(() => about(owner.client.seen, ann.peerId).includes('peerUpdated:{"reconnecting":true}'), 'Owner told Ann is reconnecting');
    expect((await owner.client.request('hostLockRoom', { locked: true })).ok).toBe(true);
    await waitFor(() => about(owner.client.seen, ann.peerId).includes('peerLeft'), 'Owner told Ann left');
    const probe = await joined(h, 'locked', 'Probe', { ownerKey: h.ownerKey });
    expect(probe.peers.some((p) => p.id === ann.peerId)).toBe(false);
  });
});
