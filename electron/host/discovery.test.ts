import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from './Host';
import { createLogger } from './logger';
import type { DiscoveredMeeting } from './discovery';
import { rawClient } from '../../tests/support/rawClient';
import { waitFor } from '../../tests/support/testHost';

/** Real mDNS packets (bonjour-service), kept on loopback by unicasting to 127.0.0.1 instead of the LAN group. */
const mdns = { multicast: false, ip: '127.0.0.1', interface: '127.0.0.1', port: 20_000 + Math.floor(Math.random() * 20_000) };

describe('LAN discovery (_roundtable._tcp)', () => {
  let host: Host;
  beforeAll(async () => {
    host = await Host.start(
      { listenIp: '127.0.0.1', announcedIp: '127.0.0.1', httpPort: 0, rtcPort: 0, workers: 1, tls: false, discovery: true, roomIdleCloseMs: 100 },
      { logger: createLogger('silent'), mdns },
    );
  });
  afterAll(async () => {
    await host.stop();
  });

  it('advertises an open meeting and withdraws it when the room closes', async () => {
    let latest: DiscoveredMeeting[] = [];
    const unsubscribe = host.discovery!.browse((meetings) => (latest = meetings));
    const client = await rawClient(host.baseUrl);
    try {
      const caps = (await client.welcome).routerRtpCapabilities;
      expect((await client.request('join', { roomId: 'design-review', displayName: 'Ann', rtpCapabilities: caps })).ok).toBe(true);
      const found = await waitFor(() => latest.find((m) => m.roomId === 'design-review'), 'meeting found', 10_000);
      expect(found.url).toBe(host.joinUrl('design-review'));
      expect(found.name).toContain('design-review');
      client.close();
      await waitFor(() => host.rooms.get('design-review') === undefined, 'room closed');
      await waitFor(() => !latest.some((m) => m.roomId === 'design-review'), 'meeting withdrawn', 10_000);
    } finally {
      unsubscribe();
      client.close();
    }
  });
});
