import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from './Host';
import { startTestHost, waitFor } from '../../tests/support/testHost';
import { rawClient } from '../../tests/support/rawClient';

describe('room lifecycle under churn', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost({ roomIdleCloseMs: 300 });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('50 sequential join/leave cycles leave no transports, producers or consumers, and the room closes', async () => {
    const steady = await rawClient(host.baseUrl);
    const { routerRtpCapabilities } = await steady.welcome;
    expect((await steady.request('join', { roomId: 'churn', displayName: 'Steady', rtpCapabilities: routerRtpCapabilities })).ok).toBe(true);
    const room = host.rooms.get('churn')!;

    for (let i = 0; i < 50; i++) {
      const client = await rawClient(host.baseUrl);
      const join = await client.request('join', { roomId: 'churn', displayName: `Visitor ${i}`, rtpCapabilities: routerRtpCapabilities });
      expect(join.ok).toBe(true);
      if (i % 2 === 0) {
        expect(await client.request('leave', {})).toEqual({ ok: true, data: {} });
        client.close();
      } else {
        client.close(); // vanish without a word: the disconnect must clean up the same way
      }
    }
    await waitFor(() => room.peers.size === 1, 'only the steady peer left');
    const dump = await room.router.dump();
    expect(dump.transportIds).toHaveLength(2); // the steady peer's send + recv
    expect(dump.mapProducerIdConsumerIds).toEqual([]);
    expect(dump.mapConsumerIdProducerId).toEqual([]);

    steady.close();
    await waitFor(() => host.rooms.get('churn') === undefined, 'room closed');
    const workerDump = await host.pool.slots[0]!.worker.dump();
    expect(workerDump.routerIds).not.toContain(room.router.id);
    expect(workerDump.webRtcServerIds).toHaveLength(1);
  });

  it('cleans up a peer that vanishes in the middle of its join', async () => {
    const client = await rawClient(host.baseUrl);
    const { routerRtpCapabilities } = await client.welcome;
    client.socket.emit('join', { roomId: 'halfway', displayName: 'Ghost', rtpCapabilities: routerRtpCapabilities }, () => undefined);
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const room = host.rooms.get('halfway');
    if (room) {
      await waitFor(() => room.peers.size === 0, 'ghost removed');
      expect((await room.router.dump()).transportIds).toEqual([]);
    }
    await waitFor(() => host.rooms.get('halfway') === undefined, 'empty room closed');
  });
});
