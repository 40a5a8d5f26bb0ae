import { expect } from '@playwright/test';
import { CLUSTER_SECRET } from '../tests/cluster/clusterTestKit';
import { HostProcess } from '../tests/cluster/hostProcess';
import { RedisServer } from '../tests/cluster/redisServer';
import { rawClient } from '../tests/support/rawClient';
import { test } from './support';

/**
 * A browser guest keeps the Content-Security-Policy its page was served with. Its node dies, and the
 * only node left joined the cluster after the page loaded: with ROUNDTABLE_CLUSTER_ORIGINS naming
 * where nodes may be, the page's connect-src allows that node and the guest is back in the meeting
 * there (without it, Chromium blocks the connection and the guest stays out).
 */
test('a guest page fails over to a node that joined the cluster after it loaded', async ({ browser }) => {
  test.setTimeout(120_000);
  const redis = await RedisServer.start();
  const nodes: HostProcess[] = [];
  const env = { ROUNDTABLE_CLUSTER_SPAN: 'true', ROUNDTABLE_CLUSTER_ORIGINS: 'http://127.0.0.1:*' };
  const start = async (nodeId: string) => {
    const node = await HostProcess.start({ nodeId, redisUrl: redis.url, secret: CLUSTER_SECRET, env });
    nodes.push(node);
    return node;
  };
  try {
    const first = await start('csp-a');
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    await page.goto(new URL('/?room=moving-on&name=Alice', first.url).toString());
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(page.getByTestId('local-tile')).toBeVisible();

    // A participant on the same node hears when the node list changes: so has the page.
    const listener = await rawClient(first.url);
    try {
      const { routerRtpCapabilities } = await listener.welcome;
      expect(await listener.request('join', { roomId: 'moving-on', displayName: 'Listener', rtpCapabilities: routerRtpCapabilities })).toMatchObject({ ok: true });
      const lists: string[][] = [];
      listener.socket.on('clusterNodes', (data: { urls: string[] }) => lists.push(data.urls));
      const later = await start('csp-b');
      await expect.poll(() => lists.some((urls) => urls.includes(later.url)), { message: 'the node list with the later node reaches the participants' }).toBe(true);

      await first.kill('SIGKILL');
      await expect
        .poll(async () => (await later.health()).rooms.find((room) => room.id === 'moving-on')?.peers, { message: 'Alice back in the meeting on the later node', timeout: 45_000 })
        .toBe(1);
      await expect(page.getByTestId('local-tile')).toBeVisible();
      expect(blocked).toEqual([]);
    } finally {
      listener.close();
    }
    await context.close();
  } finally {
    for (const node of nodes) await node.stop();
    await redis.stop();
  }
});
