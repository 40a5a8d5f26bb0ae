import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import { SignedRecords } from '../../electron/host/cluster/SignedRecords';
import { clusterKeys } from '../../electron/host/cluster/keys';
import { installWrtcGlobals } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';
import { CLUSTER_SECRET, MeetingKit } from './clusterTestKit';
import { RedisServer } from './redisServer';

installWrtcGlobals();

const ADMIN = 'cluster-admin-token-0123456789';

async function health(host: Host) {
  const response = await fetch(new URL('/api/health', host.baseUrl), { headers: { authorization: `Bearer ${ADMIN}` } });
  return (await response.json()) as {
    cluster: { nodeId: string; nodes: { id: string; url: string; rooms: string[]; load: { peers: number; rooms: number }; self: boolean }[] };
  };
}

/**
 * Two clustered hosts on one real redis-server: registration with load, the cluster in
 * /api/health, rooms placed by load, a join arriving at the node that does not host the meeting.
 */
describe('a cluster of two hosts (Redis)', () => {
  let redis: RedisServer;
  let a: Host;
  let b: Host;
  const kit = new MeetingKit();

  beforeAll(async () => {
    redis = await RedisServer.start();
    // Meetings per node (ROUNDTABLE_CLUSTER_SPAN=false): a join for another node's meeting is sent there.
    const node = (nodeId: string) => startTestHost({ redisUrl: redis.url, clusterSecret: CLUSTER_SECRET, nodeId, adminToken: ADMIN, roomIdleCloseMs: 60_000, clusterSpan: false });
    a = await node('node-a');
    b = await node('node-b');
  }, 60_000);
  afterEach(async () => kit.cleanup());
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
  });

  it('stays embedded without ROUNDTABLE_REDIS_URL: no cluster node, nothing about a cluster in /api/health', async () => {
    const embedded = await startTestHost();
    try {
      expect(embedded.cluster).toBeUndefined();
      const conference = await kit.join(embedded.baseUrl, 'alone', 'Eve');
      expect(conference.state).toBe('connected');
      expect(((await (await fetch(new URL('/api/health', embedded.baseUrl))).json()) as { cluster?: unknown }).cluster).toBeUndefined();
    } finally {
      await kit.cleanup();
      await embedded.stop();
    }
  });

  it('refuses to start clustered without a cluster secret', async () => {
    await expect(startTestHost({ redisUrl: redis.url })).rejects.toThrow(/ROUNDTABLE_CLUSTER_SECRET/);
  });

  it('registers both nodes, places rooms by load, sends a join to the meeting\'s node, and shows it all in /api/health', async () => {
    await waitFor(async () => (await health(a)).cluster.nodes.length === 2, 'both nodes registered');

    // Equal load: the node the join arrived at hosts the room.
    const ann = await kit.join(a.baseUrl, 'first', 'Ann');
    expect(a.rooms.get('first')?.peers.size).toBe(1);
    // Node A now carries a room, node B none: a new room joined through A is placed on B.
    const cid = await kit.join(a.baseUrl, 'second', 'Cid');
    expect(b.rooms.get('second')?.peers.get(cid.peerId!)).toBeDefined();
    expect(a.rooms.get('second')).toBeUndefined();

    // Ben joins Ann's meeting through node B: he is sent to node A, and they see each other.
    const ben = await kit.join(b.baseUrl, 'first', 'Ben');
    expect(a.rooms.get('first')?.peers.size).toBe(2);
    expect(b.rooms.get('first')).toBeUndefined();
    await kit.send(ann);
    await kit.send(ben);
    await kit.decodes(ben, () => ann.peerId, 'Ben sees Ann');
    await kit.decodes(ann, () => ben.peerId, 'Ann sees Ben');

    // Every node's health shows the whole cluster: nodes, their load, their rooms.
    const view = await waitFor(async () => {
      const answer = await health(b);
      const nodeA = answer.cluster.nodes.find((n) => n.id === 'node-a');
      return nodeA?.load.peers === 2 ? answer : undefined;
    }, 'node A\'s load in B\'s health', 10_000);
    expect(view.cluster.nodeId).toBe('node-b');
    const byId = new Map(view.cluster.nodes.map((n) => [n.id, n]));
    expect(byId.get('node-a')).toMatchObject({ url: a.baseUrl, rooms: ['first'], load: { peers: 2, rooms: 1 }, self: false });
    expect(byId.get('node-b')).toMatchObject({ url: b.baseUrl, rooms: ['second'], load: { peers: 1, rooms: 1 }, self: true });
  });

  it('never leaves a meeting split: when another node became its home, participants here move there', async () => {
    const fay = await kit.join(a.baseUrl, 'split', 'Fay');
    const [home, other] = a.rooms.get('split') ? [a, b] : [b, a];
    const room = home.rooms.get('split')!;
    expect(room.peers.size).toBe(1);
    // As if the home had been taken for dead (a stall longer than the TTL) and the other node had claimed the room.
    const raw = new Redis(redis.url);
    try {
      await raw.set(clusterKeys.room('split'), other.cluster!.nodeId, 'PX', 60_000);
    } finally {
      raw.disconnect();
    }
    await waitFor(() => other.rooms.get('split')?.peers.size === 1, 'Fay rejoined at the new home', 15_000);
    expect(room.closed).toBe(true);
    await waitFor(() => fay.state === 'connected', 'Fay connected');
    expect(other.rooms.get('split')!.peers.get(fay.peerId!)).toBeDefined();
  });

  it('ignores records that are not signed with the cluster secret: no forged node is listed or joined', async () => {
    const raw = new Redis(redis.url);
    try {
      const forger = new SignedRecords('not-the-cluster-secret-0123456789abcdef');
      const forged = { id: 'evil', url: 'http://127.0.0.1:9/', load: { peers: 0, rooms: 0, consumers: 0, workers: 1 }, rooms: [], startedAt: 0, at: Date.now() };
      await raw.set(clusterKeys.node('evil'), forger.seal('node', forged), 'PX', 60_000);
      await raw.set(clusterKeys.node('junk'), '{"body":"not json","sig":"00"}', 'PX', 60_000);
      await raw.sadd(clusterKeys.nodes, 'evil', 'junk');
      await raw.set(clusterKeys.room('hijacked'), 'evil', 'PX', 60_000);
      const ids = (await health(a)).cluster.nodes.map((n) => n.id);
      expect(ids).toEqual(['node-a', 'node-b']);
      // The meeting "hosted" by the forged node: refused (retryable), never sent to its URL.
      await expect(kit.join(a.baseUrl, 'hijacked', 'Dan')).rejects.toMatchObject({ code: 'internal' });
    } finally {
      await raw.del(clusterKeys.node('evil'), clusterKeys.node('junk'), clusterKeys.room('hijacked'));
      raw.disconnect();
    }
  });

  it('a graceful stop hands the node\'s meetings to another node: participants move and media flows again', async () => {
    const gus = await kit.join(a.baseUrl, 'drain', 'Gus');
    const hal = await kit.join(b.baseUrl, 'drain', 'Hal');
    const [leaving, staying] = a.rooms.get('drain') ? [a, b] : [b, a];
    expect(leaving.rooms.get('drain')?.peers.size).toBe(2);
    await kit.send(gus);
    await kit.decodes(hal, () => gus.peerId, 'Hal sees Gus');
    const before = gus.peerId;

    await leaving.stop();
    await waitFor(() => staying.rooms.get('drain')?.peers.size === 2, 'both rejoined at the other node', 20_000);
    await kit.decodes(hal, () => (gus.peerId !== before ? gus.peerId : undefined), 'Hal sees Gus again', 20_000);
    expect(gus.state).toBe('connected');
    expect(hal.state).toBe('connected');
  });
});
