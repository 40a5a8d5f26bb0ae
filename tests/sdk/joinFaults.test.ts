import { describe, expect, it } from 'vitest';
import { type StreamEvent } from '../../renderer/src/conference';
import { waitFor } from '../support/testHost';
import { useTestHost } from '../support/meetingFixture';
import { startFaultRelay, type FaultRelay, type FaultRules } from '../support/faultRelay';

const STILL_WAITING = 'still waiting';
const within = <T,>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<typeof STILL_WAITING>((resolve) => setTimeout(() => resolve(STILL_WAITING), ms))]);

/** A host that misbehaves on purpose (a relay in front of the real one): the client must not hang or forget (issue 10, items 2 and 3). */
describe('join against a misbehaving host', () => {
  const fixture = useTestHost();
  const { client, media } = fixture;

  async function relay(rules: FaultRules): Promise<FaultRelay> {
    const started = await startFaultRelay(fixture.host.baseUrl, rules);
    fixture.defer(() => started.close());
    return started;
  }

  it('a host that never sends welcome: join() fails with a typed timeout instead of hanging', async () => {
    const { url } = await relay({ dropFromHost: ['welcome'] });
    const conference = client(url);
    const startedAt = Date.now();
    const outcome = await within(
      conference.join({ roomId: 'no-welcome', displayName: 'Waiting' }).catch((error: unknown) => error),
      9_000,
    );
    expect(outcome).not.toBe(STILL_WAITING);
    expect(outcome).toMatchObject({ name: 'ConnectionError', code: 'timeout', reason: 'timeout' });
    expect(Date.now() - startedAt).toBeLessThan(9_000);
    expect(conference.state).toBe('disconnected');
  });

  /** A sender with camera and mic in `roomId`; the viewer's relay breaks the camera consumer's codec where `breakOffers` says. */
  async function brokenCameraViewer(roomId: string, breakOffers: boolean) {
    const sender = client();
    await sender.join({ roomId, displayName: 'Sender' });
    const m = media();
    await sender.produceTrack(m.video, 'camera');
    await sender.produceTrack(m.audio, 'mic');
    // The camera consumer names a payload type this client never offered: consume() fails on the client only.
    let brokenConsumerId: string | undefined;
    const breakVideo = (consumers: { kind: string; consumerId: string; rtpParameters: { codecs: { payloadType: number }[] } }[]) => {
      for (const consumer of consumers) {
        if (consumer.kind !== 'video') continue;
        brokenConsumerId = consumer.consumerId;
        consumer.rtpParameters.codecs[0]!.payloadType = 35;
      }
    };
    let offersOfBroken = 0;
    const faults = await relay({
      rewriteAnswer: (request, ack) => {
        if (request === 'join' && ack?.ok) breakVideo(ack.data.consumers);
        return ack;
      },
      rewriteFromHost: (event, data) => {
        if (event !== 'newConsumers') return data;
        offersOfBroken += data.consumers.filter((c: { consumerId: string }) => c.consumerId === brokenConsumerId).length;
        if (breakOffers) breakVideo(data.consumers);
        return data;
      },
    });
    const viewer = client(faults.url);
    const added: StreamEvent[] = [];
    const failed: { consumerId: string; error: { code: string; reason: string } }[] = [];
    viewer.on('streamAdded', (event) => added.push(event));
    viewer.on('streamFailed', (event) => failed.push(event));
    await viewer.join({ roomId, displayName: 'Viewer' });
    expect(brokenConsumerId).toBeDefined();
    const viewerPeer = () => fixture.host.rooms.get(roomId)!.peers.get(viewer.peerId!)!;
    return { viewer, added, failed, brokenConsumerId: brokenConsumerId!, offers: () => offersOfBroken, viewerPeer };
  }

  it('a join-time stream the client cannot set up is handed back, offered again by the host, and arrives', async () => {
    const { added, failed, brokenConsumerId, offers, viewerPeer } = await brokenCameraViewer('bad-consumer', false);
    // The join answer's camera failed here; the host's offer of the same consumer (intact) is taken.
    await waitFor(() => added.some((event) => event.source === 'camera' && event.consumerId === brokenConsumerId), 'the camera stream after the re-offer');
    expect(added.filter((event) => event.source === 'mic')).toHaveLength(1);
    expect(offers()).toBe(1);
    expect(failed).toEqual([]);
    // Forwarding again once taken (it was held, paused, while the client had no consumer for it).
    await waitFor(() => viewerPeer().consumers.get(brokenConsumerId)?.paused === false, 'the camera consumer forwarding on the host');
  });

  it('a stream the client can never set up is offered a bounded number of times, then reported and closed on the host', async () => {
    const { added, failed, brokenConsumerId, offers, viewerPeer } = await brokenCameraViewer('never-consumer', true);
    await waitFor(() => failed.length > 0, 'the failure to be reported', 15_000);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ consumerId: brokenConsumerId, source: 'camera', error: { name: 'StreamError', code: 'media_failed', reason: 'consume_failed' } });
    expect(offers()).toBe(4);
    expect(added.map((event) => event.source)).toEqual(['mic']); // the audio still works
    // The host stops forwarding what nobody can play: the consumer is gone.
    await waitFor(() => !viewerPeer().consumers.has(brokenConsumerId), 'the broken consumer closed on the host');
  });
});
