import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import { startTestHost } from '../support/testHost';
import { CLUSTER_SECRET } from './clusterTestKit';
import { RedisServer } from './redisServer';

/**
 * A browser guest's page keeps the CSP it was served with, and its node may be gone when it fails
 * over: with ROUNDTABLE_CLUSTER_ORIGINS, a node's page allows every origin the operator says nodes
 * may have (also nodes added later), and a node lets in the signaling of pages served by any such
 * node (also one that is gone) — nothing else. The Chromium side: e2e/cluster-failover-csp.spec.ts.
 */
describe('where a guest page may fail over to (ROUNDTABLE_CLUSTER_ORIGINS)', () => {
  let redis: RedisServer;
  let node: Host;

  beforeAll(async () => {
    redis = await RedisServer.start();
    node = await startTestHost({ redisUrl: redis.url, clusterSecret: CLUSTER_SECRET, nodeId: 'origins-a', clusterOrigins: ['http://*.nodes.cluster.test:*', 'https://meet.cluster.test'] });
  }, 60_000);
  afterAll(async () => {
    await node?.stop();
    await redis?.stop();
  });

  const connectWithOrigin = (origin: string) =>
    new Promise<string>((resolve) => {
      const socket = io(node.baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { Origin: origin } });
      socket.once('connect', () => (socket.disconnect(), resolve('connected')));
      socket.once('connect_error', (error) => (socket.disconnect(), resolve(`refused: ${error.message}`)));
    });

  it('the guest page allows the origins nodes may have, and their WebSocket forms', async () => {
    const response = await fetch(new URL('/?room=x', node.baseUrl));
    const csp = response.headers.get('content-security-policy') ?? '';
    const connectSrc = /connect-src ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
    expect(connectSrc).toEqual(expect.arrayContaining(['http://*.nodes.cluster.test:*', 'ws://*.nodes.cluster.test:*', 'https://meet.cluster.test', 'wss://meet.cluster.test']));
    // Nothing broader: no scheme-only or bare wildcard source a `?host=` link could use.
    expect(connectSrc.filter((source) => /^(\*|https?:|wss?:)$/.test(source))).toEqual([]);
  });

  it('lets in the signaling of pages served by any node the operator named, also one it never saw, and refuses others', async () => {
    expect(await connectWithOrigin('http://c.nodes.cluster.test:4443')).toBe('connected');
    expect(await connectWithOrigin('https://meet.cluster.test')).toBe('connected');
    expect(await connectWithOrigin('http://nodes.cluster.test:4443')).toMatch(/^refused/);
    expect(await connectWithOrigin('http://c.nodes.cluster.test.evil.example:4443')).toMatch(/^refused/);
    expect(await connectWithOrigin('https://c.nodes.cluster.test:4443')).toMatch(/^refused/);
    expect(await connectWithOrigin('https://meet.cluster.test:8443')).toMatch(/^refused/);
  });

  it('refuses a malformed origin pattern at start', async () => {
    await expect(startTestHost({ redisUrl: redis.url, clusterSecret: CLUSTER_SECRET, nodeId: 'origins-b', clusterOrigins: ['https://*'] })).rejects.toThrow(/clusterOrigins|host\[:port\]/);
  });
});
