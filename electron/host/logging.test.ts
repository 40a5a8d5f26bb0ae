import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Host } from './Host';
import { createLogger } from './logger';
import { rawClient } from '../../tests/support/rawClient';
import { waitFor } from '../../tests/support/testHost';

describe('structured logs', () => {
  it('carry room and peer ids and never the passcode, tokens or admin secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).trim().split('\n'));
        done();
      },
    });
    const adminToken = 'very-secret-admin-token-42';
    const host = await Host.start(
      { listenIp: '127.0.0.1', announcedIp: '127.0.0.1', httpPort: 0, rtcPort: 0, workers: 1, tls: false, discovery: false, adminToken },
      { logger: createLogger('debug', sink) },
    );
    const a = await rawClient(host.baseUrl);
    const b = await rawClient(host.baseUrl);
    let resumeToken = '';
    try {
      const caps = (await a.welcome).routerRtpCapabilities;
      const joined = await a.request('join', { roomId: 'logged', displayName: 'Ann', rtpCapabilities: caps, ownerKey: host.ownerKey });
      expect(joined.ok).toBe(true);
      resumeToken = joined.ok ? joined.data.resumeToken : '';
      await a.request('hostSetPasscode', { passcode: 'hunter2-passcode' });
      await b.request('join', { roomId: 'logged', displayName: 'Ben', passcode: 'wrong-guess-xyz', rtpCapabilities: caps });
      await waitFor(() => lines.some((l) => l.includes('request failed')), 'the failed join logged');
    } finally {
      a.close();
      b.close();
      await host.stop();
    }
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const joinRecord = records.find((r) => r.msg === 'peer joined');
    expect(joinRecord).toMatchObject({ roomId: 'logged', peerId: expect.any(String) });
    const all = lines.join('\n');
    expect(records.some((r) => r.msg === 'request failed' && r.code === 'unauthorized')).toBe(true);
    for (const secret of ['hunter2-passcode', 'wrong-guess-xyz', adminToken, resumeToken, host.ownerKey]) {
      expect(all).not.toContain(secret);
    }
  });
});
