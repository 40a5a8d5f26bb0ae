import { describe, expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import { syntheticMedia } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { useTestHost } from '../support/meetingFixture';

/** Issue 10, item 5: each ICE restart used to add a connectionstatechange listener that was never removed. */
describe('ICE recovery', () => {
  const fixture = useTestHost();


  it('leaves no listener behind after repeated ICE restarts, and the transport stays usable', async () => {
    const conference = new Conference({ url: fixture.host.baseUrl, handlerName: 'Chrome111' });
    fixture.defer(() => conference.leave());
    await conference.join({ roomId: 'ice', displayName: 'Restarter' });
    const media = syntheticMedia();
    fixture.defer(() => media.stop());
    await conference.produceTrack(media.video, 'camera');
    const send = conference.transports.send!;
    await waitFor(() => send.connectionState === 'connected', 'the send transport to connect');
    const before = send.listenerCount('connectionstatechange');
    const hostTransport = fixture.host.rooms.get('ice')!.peers.get(conference.peerId!)!.sendTransport;

    // What a real ICE failure looks like to the SDK: the transport reports `failed`. The restart
    // that follows is real (host request, new ICE credentials, renegotiation).
    for (let i = 0; i < 3; i++) {
      const ufrag = hostTransport.iceParameters.usernameFragment;
      send.emit('connectionstatechange', 'failed');
      await waitFor(() => hostTransport.iceParameters.usernameFragment !== ufrag, `restart ${i + 1} on the host`);
      // The client applies the new ICE parameters right after the host's answer (one local SDP round).
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(send.listenerCount('connectionstatechange')).toBe(before);
    }
    expect(hostTransport.iceState).not.toBe('closed');
    expect(conference.state).toBe('connected');
  });

  it('a receiving path that moves (an ICE restart onto a new pair) gets key frames from the senders of what it receives', { timeout: 30_000 }, async () => {
    // Lab, address change: what was sent over the old path up to the move is lost, and the pictures wait for a key frame.
    const roomId = fixture.newRoom();
    const ben = await fixture.joined(roomId, 'Ben');
    await ben.produceTrack(fixture.media().video, 'camera');
    const ann = await fixture.joined(roomId, 'Ann');
    await waitFor(() => ann.participants.get(ben.peerId!)?.streamFor('camera'), "Ben's camera at Ann");
    const room = fixture.host.rooms.get(roomId)!;
    const annRecv = room.peers.get(ann.peerId!)!.recvTransport;
    await waitFor(() => annRecv.iceSelectedTuple, "Ann's receiving path");
    const benCamera = [...room.peers.get(ben.peerId!)!.producers.values()].find((p) => p.kind === 'video')!;
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the first key frames of the join are asked for and sent
    const keyFrameAsks: number[] = [];
    await benCamera.enableTraceEvent(['pli', 'fir']);
    benCamera.on('trace', (trace) => trace.direction === 'out' && trace.type !== 'nack' && keyFrameAsks.push(Date.now()));
    const moved = new Promise<number>((resolve) => annRecv.once('iceselectedtuplechange', () => resolve(Date.now())));
    ann.transports.recv!.emit('connectionstatechange', 'failed'); // the SDK restarts ICE, as on a real failure
    const movedAt = await moved;
    await waitFor(() => keyFrameAsks.some((at) => at >= movedAt) || undefined, 'a key frame asked of Ben after the move', 2_000);
  });
});
