import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { createHmac, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../Host';
import { createLogger } from '../logger';
import { rawClient } from '../../../tests/support/rawClient';

function get(url: string, options: { ca?: string; token?: string } = {}): Promise<{ status: number; body: any; cert?: X509Certificate }> {
  const lib = url.startsWith('https') ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(url, { ca: options.ca, headers: options.token ? { Authorization: `Bearer ${options.token}` } : {} }, (res) => {
      let text = '';
      const peer = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate?.();
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), cert: peer });
      });
    });
    req.on('error', reject);
  });
}

describe('HTTPS, REST API and TURN credentials', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-https-'));
  const base = {
    listenIp: '127.0.0.1',
    announcedIp: '127.0.0.1',
    httpPort: 0,
    rtcPort: 0,
    workers: 1,
    tls: true,
    discovery: false,
    dataDir,
    adminToken: 'admin-token-for-tests-0123',
    turnUrl: 'turn:turn.example.invalid:3478?transport=udp',
    turnSecret: 'turn-shared-secret',
  };
  let host: Host;
  beforeAll(async () => {
    host = await Host.start(base, { logger: createLogger('silent') });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('serves HTTPS with a kept self-signed certificate whose fingerprint is in the join link', async () => {
    expect(host.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { status, cert } = await get(`${host.baseUrl}/api/health`, { ca: host.tls!.cert });
    expect(status).toBe(200);
    expect(cert?.fingerprint256).toBe(host.tls!.fingerprint);
    const link = new URL(host.joinUrl('standup'));
    expect(link.searchParams.get('room')).toBe('standup');
    expect(link.searchParams.get('fp')).toBe(host.tls!.fingerprint.replaceAll(':', '').toLowerCase());
    expect(fs.existsSync(path.join(dataDir, 'host-cert.pem'))).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'host-key.pem')).mode & 0o077).toBe(0);

    const again = await Host.start({ ...base }, { logger: createLogger('silent') });
    try {
      expect(again.tls!.fingerprint).toBe(host.tls!.fingerprint);
    } finally {
      await again.stop();
    }
  });

  it('refuses plain HTTP anywhere but loopback', async () => {
    await expect(Host.start({ ...base, listenIp: '0.0.0.0', tls: false })).rejects.toThrow(/only allowed on loopback/);
  });

  it('/api/health shows details only with the admin token', async () => {
    const anonymous = await get(`${host.baseUrl}/api/health`, { ca: host.tls!.cert });
    expect(anonymous.body).toEqual({ status: 'ok' });
    const admin = await get(`${host.baseUrl}/api/health`, { ca: host.tls!.cert, token: base.adminToken });
    expect(admin.body.workers).toHaveLength(1);
    expect(admin.body.workers[0]).toMatchObject({ alive: true, pid: expect.any(Number), cpuUserMs: expect.any(Number) });
    const wrong = await get(`${host.baseUrl}/api/health`, { ca: host.tls!.cert, token: 'admin-token-for-tests-0124' });
    expect(wrong.body).toEqual({ status: 'ok' });
  });

  it('/api/rooms/:id/stats needs the token and reports participants and producers', async () => {
    // socket.io over the self-signed TLS: trusted for this client only.
    const client = await rawClient(host.baseUrl, { ca: host.tls!.cert });
    try {
      const caps = (await client.welcome).routerRtpCapabilities;
      expect((await client.request('join', { roomId: 'stats-room', displayName: 'Counted', rtpCapabilities: caps })).ok).toBe(true);
      expect((await get(`${host.baseUrl}/api/rooms/stats-room/stats`, { ca: host.tls!.cert })).status).toBe(401);
      const stats = await get(`${host.baseUrl}/api/rooms/stats-room/stats`, { ca: host.tls!.cert, token: base.adminToken });
      expect(stats.status).toBe(200);
      expect(stats.body.participants).toEqual([expect.objectContaining({ displayName: 'Counted', isHost: false, producers: [], consumers: [] })]);
      expect(stats.body.totals).toMatchObject({ participants: 1, producers: 0, consumers: 0 });
      expect((await get(`${host.baseUrl}/api/rooms/nowhere/stats`, { ca: host.tls!.cert, token: base.adminToken })).status).toBe(404);
    } finally {
      client.close();
    }
  });

  it('/api/webrtc-config hands out time-limited TURN credentials (timestamp:user, HMAC-SHA1)', async () => {
    const { body } = await get(`${host.baseUrl}/api/webrtc-config?user=alice`, { ca: host.tls!.cert });
    const [server] = body.iceServers;
    const [expiry, user] = server.username.split(':');
    expect(user).toBe('alice');
    expect(Number(expiry)).toBeGreaterThan(Date.now() / 1000);
    expect(server.credential).toBe(createHmac('sha1', base.turnSecret).update(server.username).digest('base64'));
    expect(server.urls).toEqual([base.turnUrl]);
  });
});
