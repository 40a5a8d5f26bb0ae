import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installWrtcGlobals } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { CLUSTER_SECRET, MeetingKit } from './clusterTestKit';
import { HostProcess } from './hostProcess';
import { RedisServer } from './redisServer';

installWrtcGlobals();

/** The node list a node's guest page allows (its CSP's connect-src): what `nodeUrls()` gives clients now. */
async function knownNodes(node: HostProcess): Promise<string> {
  const response = await fetch(new URL('/', node.url));
  await response.body?.cancel();
  return response.headers.get('content-security-policy') ?? '';
}

/**
 * A meeting whose clients learnt the cluster's nodes at join time must still fail over to a node
 * that joined the cluster later (bench:cluster once left a whole meeting dark: its clients kept
 * retrying the dead node, the only one in the list their join answer gave them).
 */
describe('cluster node list', () => {
  let redis: RedisServer;
  let a: HostProcess;
  let b: HostProcess | undefined;
  const kit = new MeetingKit();

  beforeAll(async () => {
    redis = await RedisServer.start();
    a = await HostProcess.start({ nodeId: 'node-a', redisUrl: redis.url, secret: CLUSTER_SECRET });
    await waitFor(async () => (await a.health()).cluster?.nodes.length === 1, 'node registered', 15_000);
  }, 120_000);
  afterEach(async () => kit.cleanup());
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
  });

  it('clients fail over to a node that joined after they did', async () => {
    const ann = await kit.join(a.url, 'later-node', 'Ann');
    const ben = await kit.join(a.url, 'later-node', 'Ben');
    await kit.send(ann);
    await kit.send(ben);
    await kit.decodes(ben, () => ann.peerId, 'Ben sees Ann');
    await kit.decodes(ann, () => ben.peerId, 'Ann sees Ben');
    const before = { ann: ann.peerId, ben: ben.peerId };

    // Ann and Ben were told about node-a only. node-b joins the cluster; node-a's next heartbeat sees it.
    b = await HostProcess.start({ nodeId: 'node-b', redisUrl: redis.url, secret: CLUSTER_SECRET });
    const bHost = new URL(b.url).host;
    await waitFor(async () => (await knownNodes(a)).includes(bHost), 'node-a knows node-b', 15_000);

    await a.kill('SIGKILL');
    const killedAt = Date.now();
    await Promise.all([
      kit.decodes(ben, () => (ann.peerId !== before.ann ? ann.peerId : undefined), 'Ben sees Ann again', 30_000),
      kit.decodes(ann, () => (ben.peerId !== before.ben ? ben.peerId : undefined), 'Ann sees Ben again', 30_000),
    ]);
    console.info(`cluster failover to a later node: media back ${Date.now() - killedAt} ms after SIGKILL`);
    expect(ann.state).toBe('connected');
    expect(ben.state).toBe('connected');
    expect((await b.health()).rooms.find((room) => room.id === 'later-node')?.peers).toBe(2);
  }, 120_000);
});
