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

  it('a join-time stream the client cannot set up is retried once, then reported and paused on the host', async () => {
    const sender = client();
    await sender.join({ roomId: 'bad-consumer', displayName: 'Sender' });
    const m = media();
    await sender.produceTrack(m.video, 'camera');
    await sender.produceTrack(m.audio, 'mic');

    // The camera consumer names a payload type this client never offered: consume() fails on the client only.
    let brokenConsumerId: string | undefined;
    const faults = await relay({
      rewriteAnswer: (request, ack) => {
        if (request !== 'join' || !ack?.ok) return ack;
        for (const consumer of ack.data.consumers) {
          if (consumer.kind !== 'video') continue;
          brokenConsumerId = consumer.consumerId;
          consumer.rtpParameters.codecs[0].payloadType = 35;
        }
        return ack;
      },
    });
    const viewer = client(faults.url);
    const added: StreamEvent[] = [];
    const failed: { consumerId: string; error: { code: string } }[] = [];
    viewer.on('streamAdded', (event) => added.push(event));
    viewer.on('streamFailed', (event) => failed.push(event));
    await viewer.join({ roomId: 'bad-consumer', displayName: 'Viewer' });

    expect(brokenConsumerId).toBeDefined();
    expect(added.map((event) => event.source)).toEqual(['mic']); // the audio still works
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ consumerId: brokenConsumerId, source: 'camera', error: { name: 'StreamError', code: 'media_failed' } });
    // The host stops forwarding what nobody can play.
    const room = fixture.host.rooms.get('bad-consumer')!;
    const viewerPeer = room.peers.get(viewer.peerId!)!;
    await waitFor(() => viewerPeer.consumers.get(brokenConsumerId!)?.paused, 'the broken consumer to be paused on the host');
  });
});
