import { expect } from '@playwright/test';
import { CLUSTER_SECRET } from '../tests/cluster/clusterTestKit';
import { HostProcess } from '../tests/cluster/hostProcess';
import { RedisServer } from '../tests/cluster/redisServer';
import { expectLiveVideo, inboundStats, tileOf, test } from './support';

/**
 * One meeting spanning two nodes of a cluster (issue 12 §3): a real redis-server and two host
 * processes with ROUNDTABLE_CLUSTER_SPAN; each page opens the meeting's link on a different node,
 * stays there, and decodes the other's video and audio piped between the nodes.
 */
test('two pages connected to different nodes of a cluster decode each other', async ({ browser }) => {
  test.setTimeout(120_000);
  const redis = await RedisServer.start();
  const nodes: HostProcess[] = [];
  try {
    const env = { ROUNDTABLE_CLUSTER_SPAN: 'true' };
    nodes.push(...(await Promise.all(['e2e-a', 'e2e-b'].map((nodeId) => HostProcess.start({ nodeId, redisUrl: redis.url, secret: CLUSTER_SECRET, env })))));
    const [a, b] = nodes as [HostProcess, HostProcess];
    await expect.poll(async () => (await b.health()).cluster?.nodes.length, { message: 'both nodes registered' }).toBe(2);

    const join = async (node: HostProcess, name: string) => {
      const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[${name}] page error:`, error));
      await page.goto(new URL(`/?room=spanned&name=${name}`, node.url).toString());
      await page.getByRole('button', { name: 'Join', exact: true }).click();
      await expect(page.getByTestId('local-tile')).toBeVisible();
      return page;
    };
    const alice = await join(a, 'Alice');
    const bob = await join(b, 'Bob');
    // Each stays on the node it opened: the meeting spans both.
    for (const node of nodes) await expect.poll(async () => (await node.health()).rooms.find((room) => room.id === 'spanned')?.peers).toBe(1);

    await expect(tileOf(alice, 'Bob')).toBeVisible();
    await expect(tileOf(bob, 'Alice')).toBeVisible();
    await expectLiveVideo(alice, 'Bob');
    await expectLiveVideo(bob, 'Alice');
    for (const page of [alice, bob]) {
      // Three processes besides the browser on two cores: allow the counters time under load.
      await expect.poll(async () => (await inboundStats(page)).framesDecoded, { message: 'inbound video decoded', timeout: 30_000 }).toBeGreaterThan(0);
      await expect.poll(async () => (await inboundStats(page)).audioPackets, { message: 'inbound audio packets', timeout: 30_000 }).toBeGreaterThan(0);
    }

    await bob.getByRole('button', { name: 'Leave' }).click();
    await expect(tileOf(alice, 'Bob')).toHaveCount(0, { timeout: 5_000 });
    await alice.context().close();
    await bob.context().close();
  } finally {
    for (const node of nodes) await node.stop();
    await redis.stop();
  }
});
