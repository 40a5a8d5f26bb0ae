import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestNames } from '../../shared/protocol';
import { limits } from '../../shared/limits';
import { Conference } from '../../renderer/src/conference';
import type { Host } from '../../electron/host/Host';
import { installWrtcGlobals, syntheticMedia } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';
import { rawClient } from '../support/rawClient';

installWrtcGlobals();

const hostilePayloads: unknown[] = [
  undefined,
  null,
  42,
  'a string',
  [],
  { transportId: 12 },
  { producerId: { $gt: '' } },
  { consumerId: 'x'.repeat(10_000) },
  { roomId: 'r', displayName: 'x'.repeat(100_000), rtpCapabilities: {} },
  { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } },
];

describe('hostile and malformed signaling', () => {
  let host: Host;
  let victim: Conference;
  let victimMedia: ReturnType<typeof syntheticMedia>;

  beforeAll(async () => {
    host = await startTestHost();
    victim = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    await victim.join({ roomId: 'target', displayName: 'Victim' });
    victimMedia = syntheticMedia();
    await victim.produceTrack(victimMedia.video, 'camera');
  });
  afterAll(async () => {
    victimMedia.stop();
    await victim.leave();
    await host.stop();
  });

  it('answers every request with a typed error before join, whatever the payload', async () => {
    const client = await rawClient(host.baseUrl);
    try {
      for (const name of requestNames) {
        for (const payload of hostilePayloads) {
          const ack = await client.request(name, payload);
          expect(ack.ok, `${name} ${JSON.stringify(payload)?.slice(0, 60)}`).toBe(false);
          if (!ack.ok) expect(['bad_request', 'not_joined', 'limit_exceeded', 'rate_limited']).toContain(ack.error.code);
        }
      }
      const unknown = await client.request('dropDatabase', {});
      expect(unknown).toEqual({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('unknown request') } });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      client.close();
    }
  });

  it('refuses to act on objects that belong to another peer or do not exist', async () => {
    const attacker = await rawClient(host.baseUrl);
    try {
      const { routerRtpCapabilities } = await attacker.welcome;
      const joined = await attacker.request('join', { roomId: 'target', displayName: 'Mallory', rtpCapabilities: routerRtpCapabilities });
      expect(joined.ok).toBe(true);

      const room = host.rooms.get('target')!;
      const victimPeer = room.peers.get(victim.peerId!)!;
      const victimProducerId = [...victimPeer.producers.keys()][0]!;
      const victimTransportId = victimPeer.sendTransport.id;
      const malloryPeer = room.peers.get(joined.ok ? joined.data.peerId : '')!;
      const victimConsumerId = await waitFor(() => [...malloryPeer.consumers.keys()][0], 'a consumer for Mallory');
      // Victim's own consumer ids: Mallory has no producer, so use a fake one for shape.
      const cases: [string, Record<string, unknown>, string][] = [
        ['pauseProducer', { producerId: victimProducerId }, 'unauthorized'],
        ['closeProducer', { producerId: victimProducerId }, 'unauthorized'],
        ['connectTransport', { transportId: victimTransportId, dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] } }, 'unauthorized'],
        ['restartIce', { transportId: victimTransportId }, 'unauthorized'],
        ['produce', { transportId: victimTransportId, kind: 'video', source: 'camera', rtpParameters: { codecs: [{}] } }, 'unauthorized'],
        ['pauseProducer', { producerId: 'no-such-producer' }, 'not_found'],
        ['resumeConsumer', { consumerId: 'no-such-consumer' }, 'not_found'],
        ['setConsumerPreferredLayers', { consumerId: 'nope', spatialLayer: 1 }, 'not_found'],
        ['hostMutePeer', { peerId: victimPeer.id }, 'unauthorized'],
        ['hostRemovePeer', { peerId: victimPeer.id }, 'unauthorized'],
        ['hostLockRoom', { locked: true }, 'unauthorized'],
        ['produce', { transportId: malloryPeer.sendTransport.id, kind: 'video', source: 'camera', rtpParameters: { codecs: [{ mimeType: 'video/nonsense' }] } }, 'bad_request'],
        ['join', { roomId: 'other', displayName: 'Again', rtpCapabilities: routerRtpCapabilities }, 'already_joined'],
        ['sendChat', { text: 'x'.repeat(limits.maxPayloadBytes + 10) }, 'limit_exceeded'],
      ];
      for (const [name, payload, code] of cases) {
        const ack = await attacker.request(name, payload);
        expect(ack, name).toMatchObject({ ok: false, error: { code } });
      }
      // Mallory's own consumer works: ownership is the only thing refused above.
      expect(await attacker.request('pauseConsumer', { consumerId: victimConsumerId })).toEqual({ ok: true, data: {} });
      // The victim's producer is untouched.
      expect(victimPeer.producers.get(victimProducerId)?.paused).toBe(false);
    } finally {
      attacker.close();
    }
  });

  it('still serves a fresh join and media after all that', async () => {
    const late = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    const added = new Promise((resolve) => late.once('streamAdded', resolve));
    await late.join({ roomId: 'target', displayName: 'Late' });
    await added;
    await late.leave();
  });
});
