import { describe, expect, it } from 'vitest';
import { useTestHost } from '../support/meetingFixture';
import { startFaultRelay } from '../support/faultRelay';

/** Join latency (issue 10): the receive side's first media must not wait on the send side's set-up. */
describe('join order', () => {
  const fixture = useTestHost();
  const { client, media } = fixture;

  it('local media sent right after join waits until the receive transport is connected', async () => {
    const sender = client();
    await sender.join({ roomId: 'order', displayName: 'Sender' });
    const senderMedia = media();
    await sender.produceTrack(senderMedia.video, 'camera');

    // A slow receive side (its DTLS parameters take 600 ms to be accepted): sending must still wait for it.
    let recvTransportId: string | undefined;
    const relay = await startFaultRelay(fixture.host.baseUrl, {
      rewriteAnswer: (request, ack) => {
        if (request === 'join' && ack?.ok) recvTransportId = ack.data.recvTransport.id;
        return ack;
      },
      delayAnswerMs: (request, data) => (request === 'connectTransport' && (data as { transportId: string }).transportId === recvTransportId ? 600 : 0),
    });
    fixture.defer(() => relay.close());
    const joiner = client(relay.url);
    // What the receive transport's connection state was when each produce request went out.
    const produceSentWhile: string[] = [];
    joiner.socket.onAnyOutgoing((event) => {
      if (event === 'produce') produceSentWhile.push(joiner.transports.recv?.connectionState ?? 'no receive transport');
    });
    await joiner.join({ roomId: 'order', displayName: 'Joiner' });
    await joiner.produceTrack(media().video, 'camera'); // what the app does on join
    expect(produceSentWhile).toEqual(['connected']);
  });

  it('a warm conference sends the join request within startJoin(), before anything else can run', async () => {
    const joiner = client();
    await joiner.prepare();
    const sent: string[] = [];
    joiner.socket.onAnyOutgoing((event) => sent.push(event));
    joiner.startJoin({ roomId: 'warm-join', displayName: 'Warm' });
    // Synchronously: a UI render queued by the same click (a microtask) would otherwise go first.
    expect(sent).toEqual(['join']);
    await joiner.join({ roomId: 'warm-join', displayName: 'Warm' });
    expect(joiner.state).toBe('connected');
  });
});
