/**
 * Security review items 6, 7 and 8: media a participant may push, which web origins may use
 * signaling, and which display names may be shown to others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { Host } from '../../electron/host/Host';
import { limits } from '../../shared/limits';
import { startTestHost } from '../support/testHost';
import { rawClient, type RawClient } from '../support/rawClient';
import { errorCode, rawJoin } from './support';

const vp8 = { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 };

describe('media abuse (item 6)', () => {
  let host: Host;
  let client: RawClient;
  let transportId: string;
  let peerId: string;

  beforeAll(async () => {
    host = await startTestHost();
    client = await rawClient(host.baseUrl);
    const ack = await rawJoin(client, 'media', 'Pusher');
    if (!ack.ok) throw new Error(ack.error.message);
    transportId = ack.data.sendTransport.id;
    peerId = ack.data.peerId;
  });
  afterAll(async () => {
    client.close();
    await host.stop();
  });

  it('caps incoming bitrate on every send transport', async () => {
    const peer = host.rooms.get('media')!.peers.get(peerId)!;
    const [stats] = await peer.sendTransport.getStats();
    expect(stats?.maxIncomingBitrate).toBe(limits.maxIncomingBitratePerTransport);
  });

  it('clamps declared encodings and refuses more layers than simulcast needs', async () => {
    const encodings = [1, 2, 3].map((i) => ({ ssrc: 1000 + i, maxBitrate: 10_000_000_000 }));
    const ack = await client.request('produce', { transportId, kind: 'video', source: 'camera', rtpParameters: { codecs: [vp8], encodings } });
    expect(ack.ok).toBe(true);
    const producer = [...host.rooms.get('media')!.peers.get(peerId)!.producers.values()][0]!;
    for (const encoding of producer.rtpParameters.encodings ?? []) expect(encoding.maxBitrate).toBeLessThanOrEqual(limits.maxEncodingBitrate.camera);
    const tooMany = [1, 2, 3, 4].map((i) => ({ ssrc: 2000 + i }));
    const refused = await client.request('produce', { transportId, kind: 'video', source: 'screen', rtpParameters: { codecs: [vp8], encodings: tooMany } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('encodings') } });
  });

  it('holds the producer caps under concurrent requests', async () => {
    const other = await rawClient(host.baseUrl);
    try {
      const ack = await rawJoin(other, 'media-race', 'Racer');
      if (!ack.ok) throw new Error(ack.error.message);
      const send = ack.data.sendTransport.id;
      const attempts = await Promise.all(
        Array.from({ length: 8 }, (_, i) => other.request('produce', { transportId: send, kind: 'audio', source: 'mic', rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 3000 + i }] } })),
      );
      expect(attempts.filter((a) => a.ok).length).toBe(1);
      expect(attempts.filter((a) => errorCode(a) === 'limit_exceeded').length).toBe(7);
    } finally {
      other.close();
    }
  });
});

describe('origins (item 7)', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.stop();
  });

  const connectWithOrigin = (origin: string) =>
    new Promise<string>((resolve) => {
      const socket = io(host.baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { Origin: origin } });
      socket.once('connect', () => (socket.disconnect(), resolve('connected')));
      socket.once('connect_error', (error) => (socket.disconnect(), resolve(`refused: ${error.message}`)));
    });

  it('refuses WebSocket signaling from a foreign page', async () => {
    expect(await connectWithOrigin('https://evil.example')).toMatch(/^refused/);
    expect(await connectWithOrigin('http://127.0.0.1.evil.example')).toMatch(/^refused/);
    expect(await connectWithOrigin('null')).toMatch(/^refused/);
  });

  it('accepts the host\'s own web app, the desktop app, and loopback pages in development', async () => {
    expect(await connectWithOrigin(new URL(host.baseUrl).origin)).toBe('connected');
    expect(await connectWithOrigin('app://roundtable')).toBe('connected');
    expect(await connectWithOrigin('http://localhost:5173')).toBe('connected');
  });

  it('does not reflect a foreign origin in CORS answers of the polling transport', async () => {
    const response = await fetch(`${host.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(response.status).toBeGreaterThanOrEqual(400);
    const own = await fetch(`${host.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: new URL(host.baseUrl).origin } });
    expect(own.status).toBe(200);
  });
});

describe('display names (item 8)', () => {
  let host: Host;
  let client: RawClient;
  beforeAll(async () => {
    host = await startTestHost();
    client = await rawClient(host.baseUrl);
  });
  afterAll(async () => {
    client.close();
    await host.stop();
  });

  it.each([
    ['a right-to-left override', 'gnp\u202Eexe', /direction/],
    ['a left-to-right isolate', 'Bob\u2066 admin', /direction/],
    ['only a zero-width space', '\u200B', /invisible|visible/],
    ['only a Hangul filler', '\u3164', /invisible|visible/],
    ['a zero-width space inside', 'Ad\u200Bmin', /invisible/],
    ['a soft hyphen', 'Ad\u00ADmin', /invisible/],
    ['only braille blanks', '\u2800\u2800', /visible/],
  ])('refuses %s in a display name, on join and on rename', async (_what, name, message) => {
    const ack = await rawJoin(client, 'names', name);
    expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(message) } });
  });

  it('accepts names in any script and with emoji, and refuses a rename to a disguised one', async () => {
    for (const name of ['Zoë', '李雷', 'محمد علي', '👩‍💻 Dev', '❤️ Ann', 'José']) {
      const other = await rawClient(host.baseUrl);
      try {
        const ack = await rawJoin(other, 'names', name);
        expect(ack.ok, name).toBe(true);
        if (name === 'Zoë') {
          const rename = await other.request('setDisplayName', { displayName: 'exe\u202E.png' });
          expect(errorCode(rename)).toBe('bad_request');
        }
      } finally {
        other.close();
      }
    }
  });
});
