import { describe, expect, it } from 'vitest';
import { type StreamEvent } from '../../renderer/src/conference';
import { countFrames } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { useTestHost } from '../support/meetingFixture';

describe('a meeting through the real SFU (Node WebRTC clients)', () => {
  const fixture = useTestHost();
  const { client, media } = fixture;



  it('joins in one request, auto-consumes, delivers decoded video, and leave closes everything the peer owned', async () => {
    const alice = client();
    const bob = client();
    await alice.join({ roomId: 'standup', displayName: 'Alice' });
    const aliceMedia = media();
    await alice.produceTrack(aliceMedia.video, 'camera');
    await alice.produceTrack(aliceMedia.audio, 'mic');

    const bobStreams: StreamEvent[] = [];
    bob.on('streamAdded', (event) => bobStreams.push(event));
    await bob.join({ roomId: 'standup', displayName: 'Bob' });

    expect([...bob.participants.values()].map((p) => p.displayName)).toEqual(['Alice']);
    await waitFor(() => [...alice.participants.values()].some((p) => p.displayName === 'Bob'), 'Alice to see Bob');
    const video = await waitFor(() => bobStreams.find((s) => s.source === 'camera'), "Alice's camera at Bob");
    await waitFor(() => bobStreams.find((s) => s.source === 'mic'), "Alice's mic at Bob");
    const frames = countFrames(video.stream.getVideoTracks()[0]!);
    fixture.defer(() => frames.stop());
    await waitFor(() => frames.frames > 5, 'decoded frames at Bob', 15_000);
    expect(frames.width).toBeGreaterThan(0);

    const room = fixture.host.rooms.get('standup')!;
    const bobPeer = room.peers.get(bob.peerId!)!;
    const bobTransportIds = [bobPeer.sendTransport.id, bobPeer.recvTransport.id];
    const bobConsumerIds = [...bobPeer.consumers.keys()];
    expect(bobConsumerIds).toHaveLength(2);

    const aliceSawLeave = new Promise<void>((resolve) => alice.once('participantLeft', () => resolve()));
    await bob.leave();
    await aliceSawLeave;

    const dump = await room.router.dump();
    for (const id of bobTransportIds) expect(dump.transportIds).not.toContain(id);
    expect(dump.transportIds).toHaveLength(2); // Alice's two
    expect(room.peers.has(bobPeer.id)).toBe(false);
    expect(bobPeer.consumers.size).toBe(0);
  });

  it('closes the room (and its router) shortly after the last peer leaves', async () => {
    const carol = client();
    await carol.join({ roomId: 'brief', displayName: 'Carol' });
    const room = fixture.host.rooms.get('brief')!;
    const routerId = room.router.id;
    await carol.leave();
    await waitFor(() => fixture.host.rooms.get('brief') === undefined, 'room to close');
    expect(room.closed).toBe(true);
    const workerDump = await fixture.host.pool.slots[0]!.worker.dump();
    expect(workerDump.routerIds).not.toContain(routerId);
  });
});
