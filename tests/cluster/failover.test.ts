import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clusterKeys } from '../../electron/host/cluster/keys';
import { countFrames, installWrtcGlobals } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { MeetingKit } from './clusterTestKit';
import type { HostProcess } from './hostProcess';
import type { RedisServer } from './redisServer';
import { TestCluster } from './testCluster';

installWrtcGlobals();

/**
 * Failures of a two-node cluster, with real host processes: a node SIGKILLed (its participants
 * reconnect to the other node and get media back within 10 s), and Redis restarting with all
 * its keys lost (meetings keep their media; nodes and rooms register again).
 */
describe('cluster failures', () => {
  let cluster: TestCluster;
  let redis: RedisServer;
  let a: HostProcess;
  let b: HostProcess;
  const kit = new MeetingKit();

  beforeAll(async () => {
    // Meetings per node (a meeting spanning nodes fails over in span.test.ts).
    const env = { ROUNDTABLE_CLUSTER_SPAN: 'false' };
    cluster = await TestCluster.start([{ nodeId: 'node-a', env }, { nodeId: 'node-b', env }]);
    [a, b] = cluster.nodes as [HostProcess, HostProcess];
    redis = cluster.redis;
  }, 120_000);
  afterEach(async () => kit.cleanup());
  afterAll(async () => cluster?.stop());

  it('a node SIGKILLed: its meeting moves to the other node and media is back within 10 s', async () => {
    const ann = await kit.join(a.url, 'failover', 'Ann');
    const ben = await kit.join(b.url, 'failover', 'Ben');
    expect((await a.health()).rooms.find((room) => room.id === 'failover')?.peers).toBe(2);
    await kit.send(ann);
    await kit.send(ben);
    await kit.decodes(ben, () => ann.peerId, 'Ben sees Ann');
    await kit.decodes(ann, () => ben.peerId, 'Ann sees Ben');
    const before = { ann: ann.peerId, ben: ben.peerId };

    await a.kill('SIGKILL');
    const killedAt = Date.now();
    await Promise.all([
      kit.decodes(ben, () => (ann.peerId !== before.ann ? ann.peerId : undefined), 'Ben sees Ann again', 30_000),
      kit.decodes(ann, () => (ben.peerId !== before.ben ? ben.peerId : undefined), 'Ann sees Ben again', 30_000),
    ]);
    const mediaBackMs = Date.now() - killedAt;
    console.info(`cluster failover: media back ${mediaBackMs} ms after SIGKILL`);
    expect(mediaBackMs).toBeLessThanOrEqual(10_000);
    expect(ann.state).toBe('connected');
    expect(ben.state).toBe('connected');

    const view = await b.health();
    expect(view.rooms.find((room) => room.id === 'failover')?.peers).toBe(2);
    expect(view.cluster?.nodes.map((node) => node.id)).toEqual(['node-b']);
  }, 120_000);

  it('Redis restarting: the meeting keeps its media, the node and its rooms register again', async () => {
    const host = b.alive ? b : a;
    const cid = await kit.join(host.url, 'steady', 'Cid');
    const dan = await kit.join(host.url, 'steady', 'Dan');
    await kit.send(cid);
    await kit.decodes(dan, () => cid.peerId, 'Dan sees Cid');
    const track = dan.participants.get(cid.peerId!)!.streamFor('camera')!.stream.getVideoTracks()[0]!;
    const frames = countFrames(track);
    const raw = () => new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.kill();
      const atKill = frames.frames;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const duringOutage = frames.frames - atKill;
      await redis.start();
      const client = raw();
      await client.connect();
      try {
        // The restarted Redis knows nothing: the node and its room's claim come back with the next heartbeats.
        await waitFor(async () => (await client.get(clusterKeys.room('steady'))) === host.nodeId, 'room claim restored', 15_000);
        await waitFor(async () => (await host.health()).cluster?.nodes.some((node) => node.id === host.nodeId && node.rooms.includes('steady')), 'node registered again', 15_000);
      } finally {
        client.disconnect();
      }
      const afterRestart = frames.frames;
      await waitFor(() => frames.frames >= afterRestart + 5, 'frames after the restart', 10_000);
      console.info(`cluster redis restart: ${duringOutage} frames decoded during a 3 s outage`);
      expect(duringOutage).toBeGreaterThanOrEqual(5);
      expect(track.readyState).toBe('live');
      expect(dan.state).toBe('connected');
      expect(cid.state).toBe('connected');
      // Joins work again through the cluster.
      const eve = await kit.join(host.url, 'steady', 'Eve');
      await kit.decodes(eve, () => cid.peerId, 'Eve sees Cid');
    } finally {
      frames.stop();
    }
  }, 120_000);
});
