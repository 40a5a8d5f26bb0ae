/**
 * Requests the host did, whose answers came after the client's timeout (a loaded machine).
 *
 * connectTransport: a client that gave up waiting for the answer asks again:
 * mediasoup-client sets the transport up anew on its next consume. The host answered that with
 * an internal error ("connect() already called"), and the client's transport could never carry a
 * consumer again; and the consume that failed left its media section behind in mediasoup-client,
 * so the host's next offer of it broke the receive side ("Duplicate a=mid"), which had to be
 * rebuilt (bench:room-scale at 50 participants on two cores).
 *
 * produce: the host made the producer, the client gave up on it and could never send that source
 * again ("already sending camera"), while the others were shown a producer nobody sent on.
 */
import { describe, expect, it } from 'vitest';
import { REQUEST_TIMEOUT_MS } from '../../renderer/src/conference/SignalingClient';
import { startFaultRelay } from '../support/faultRelay';
import { useTestHost } from '../support/meetingFixture';
import { rawClient } from '../support/rawClient';
import { waitFor } from '../support/testHost';

const dtls = (value: string) => ({ role: 'client', fingerprints: [{ algorithm: 'sha-256', value }] });
const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');
const OTHER = Array.from({ length: 32 }, () => 'AB').join(':');

describe('requests asked again after a late answer', () => {
  const fixture = useTestHost();

  async function joinedRaw(roomId: string) {
    const client = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => client.close());
    const { routerRtpCapabilities } = await client.welcome;
    const joined = await client.request('join', { roomId, displayName: 'Slow', rtpCapabilities: routerRtpCapabilities });
    expect(joined.ok).toBe(true);
    const peer = fixture.host.rooms.get(roomId)!.peers.get(joined.ok ? joined.data.peerId : '')!;
    const connect = (transportId: string, value: string) => client.request('connectTransport', { transportId, dtlsParameters: dtls(value) });
    return { connect, send: peer.sendTransport.id, recv: peer.recvTransport.id };
  }

  it('the host: the same DTLS parameters again are answered like the first, also while the first is in flight', async () => {
    const { connect, send, recv } = await joinedRaw(fixture.newRoom());
    expect(await connect(recv, FINGERPRINT)).toEqual({ ok: true, data: {} });
    expect(await connect(recv, FINGERPRINT.toLowerCase())).toEqual({ ok: true, data: {} });
    expect(await Promise.all([connect(send, FINGERPRINT), connect(send, FINGERPRINT)])).toEqual([
      { ok: true, data: {} },
      { ok: true, data: {} },
    ]);
  });

  it('the host: other DTLS parameters are refused as a bad request, the transport untouched', async () => {
    const { connect, recv } = await joinedRaw(fixture.newRoom());
    expect(await connect(recv, FINGERPRINT)).toEqual({ ok: true, data: {} });
    expect(await connect(recv, OTHER)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await connect(recv, FINGERPRINT)).toEqual({ ok: true, data: {} });
  });

  it('the SDK: a connect whose answer came too late is asked again, and the camera arrives without a rebuild', { timeout: 60_000 }, async () => {
    const roomId = fixture.newRoom();
    const sender = await fixture.joined(roomId, 'Sender');
    await sender.produceTrack(fixture.media().video, 'camera');

    // The first answer to the receive transport's connect is held past the SDK's request timeout.
    let recvTransportId: string | undefined;
    let held = 0;
    const relay = await startFaultRelay(fixture.host.baseUrl, {
      rewriteAnswer: (request, ack) => {
        if (request === 'join' && ack?.ok) recvTransportId = ack.data.recvTransport.id;
        return ack;
      },
      delayAnswerMs: (request, data) => {
        if (request !== 'connectTransport' || (data as { transportId: string }).transportId !== recvTransportId || held++ > 0) return 0;
        return REQUEST_TIMEOUT_MS + 1_500;
      },
    });
    fixture.defer(() => relay.close());
    const joiner = fixture.client(relay.url);
    const states: string[] = [];
    const failures: string[] = [];
    joiner.on('connectionStateChanged', ({ state, reason }) => states.push(reason ? `${state}: ${reason}` : state));
    joiner.on('streamFailed', ({ error }) => failures.push(error.message));
    const camera = new Promise<string>((resolve) => joiner.on('streamAdded', ({ source, consumerId }) => source === 'camera' && resolve(consumerId)));
    await joiner.join({ roomId, displayName: 'Joiner' });
    const consumerId = await camera;
    expect(held).toBeGreaterThanOrEqual(2);
    // Media flows on the transport the first connect set up: its consumer on the host is forwarding.
    await waitFor(async () => {
      const peer = fixture.host.rooms.get(roomId)!.peers.get(joiner.peerId!)!;
      const stats = await peer.consumers.get(consumerId)?.getStats();
      return stats?.some((s) => s.type === 'outbound-rtp' && s.packetCount > 0) || undefined;
    }, 'RTP sent to the joiner', 15_000);
    expect(states.filter((s) => s.startsWith('reconnecting'))).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('the SDK: a produce whose answer came too late is asked again; the host keeps one producer, and it carries the camera', { timeout: 60_000 }, async () => {
    const roomId = fixture.newRoom();
    const viewer = await fixture.joined(roomId, 'Viewer');
    let produces = 0;
    const relay = await startFaultRelay(fixture.host.baseUrl, {
      delayAnswerMs: (request) => (request === 'produce' && produces++ === 0 ? REQUEST_TIMEOUT_MS + 1_500 : 0),
    });
    fixture.defer(() => relay.close());
    const sender = fixture.client(relay.url);
    await sender.join({ roomId, displayName: 'Sender' });
    const camera = new Promise<string>((resolve) => viewer.on('streamAdded', ({ source, consumerId }) => source === 'camera' && resolve(consumerId)));
    await sender.produceTrack(fixture.media().video, 'camera');
    expect(produces).toBe(2);
    const room = fixture.host.rooms.get(roomId)!;
    const cameras = [...room.peers.get(sender.peerId!)!.producers.values()].filter((p) => p.appData.source === 'camera');
    expect(cameras).toHaveLength(1);
    const consumerId = await camera;
    await waitFor(async () => {
      const stats = await room.peers.get(viewer.peerId!)!.consumers.get(consumerId)?.getStats();
      return stats?.some((s) => s.type === 'outbound-rtp' && s.packetCount > 0) || undefined;
    }, 'the camera forwarded to the viewer', 15_000);
  });
});
