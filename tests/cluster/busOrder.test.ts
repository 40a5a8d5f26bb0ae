import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterBus } from '../../electron/host/cluster/ClusterBus';
import { connectRedis } from '../../electron/host/cluster/redisClient';
import { SignedRecords } from '../../electron/host/cluster/SignedRecords';
import { createLogger } from '../../electron/host/logger';
import { RedisServer } from './redisServer';

/**
 * Two nodes' buses over a real redis-server. A node that answers a request and at once asks
 * something back (node b offers a file to its participant, who says "ready" at once) can have both
 * messages reach the asker in one read from Redis; the asker must have resumed on the answer
 * before it handles the next message.
 */
describe('the cluster bus, messages that arrive together', () => {
  let redis: RedisServer;
  const logger = createLogger('silent');
  const records = new SignedRecords('bus-order-secret-0123456789abcdef');
  const clients: ReturnType<typeof connectRedis>[] = [];
  const buses: ClusterBus[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  }, 30_000);
  afterAll(async () => {
    for (const bus of buses) bus.close();
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  async function bus(nodeId: string): Promise<ClusterBus> {
    const client = connectRedis(redis.url, logger);
    clients.push(client);
    await client.connect();
    const created = new ClusterBus(client, records, nodeId, logger);
    buses.push(created);
    return created;
  }

  it('handles a request only after what the answer before it resumed has run', async () => {
    const asker = await bus('node-a');
    const answerer = await bus('node-b');
    let offered = 0;
    const seenOnAck: number[] = [];
    await asker.start(async (_from, op) => {
      if (op === 'ack') seenOnAck.push(offered);
      return {};
    });
    await answerer.start(async (_from, op) => {
      // The answer is published after this resolves; the ack right behind it, on the same connection.
      if (op === 'offer') setImmediate(() => void answerer.request('node-a', 'ack', {}).catch(() => undefined));
      return {};
    });
    const rounds = 20;
    for (let round = 1; round <= rounds; round++) {
      await asker.request('node-b', 'offer', {});
      await Promise.resolve();
      offered = round;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seenOnAck).toEqual(Array.from({ length: rounds }, (_, index) => index + 1));
  }, 30_000);
});
