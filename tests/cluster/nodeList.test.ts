import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installWrtcGlobals } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { MeetingKit } from './clusterTestKit';
import type { HostProcess } from './hostProcess';
import { TestCluster } from './testCluster';

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
  let cluster: TestCluster;
  let a: HostProcess;
  const kit = new MeetingKit();

  beforeAll(async () => {
    cluster = await TestCluster.start([{ nodeId: 'node-a' }]);
    [a] = cluster.nodes as [HostProcess];
  }, 120_000);
  afterEach(async () => kit.cleanup());
  afterAll(async () => cluster?.stop());

  it('clients fail over to a node that joined after they did', async () => {
    const ann = await kit.join(a.url, 'later-node', 'Ann');
    const ben = await kit.join(a.url, 'later-node', 'Ben');
    await kit.send(ann);
    await kit.send(ben);
    await kit.decodes(ben, () => ann.peerId, 'Ben sees Ann');
    await kit.decodes(ann, () => ben.peerId, 'Ann sees Ben');
    const before = { ann: ann.peerId, ben: ben.peerId };

    // Ann and Ben were told about node-a only. node-b joins the cluster; node-a's next heartbeat sees it.
    const b = await cluster.add({ nodeId: 'node-b' });
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
