import { describe, expect, it } from 'vitest';
import { useTestHost } from '../support/meetingFixture';
import { waitFor } from '../support/testHost';

/**
 * A receiver whose downlink cannot carry a video even at its lowest layer: the host forwards no
 * layer of it, and the receiver's SDK marks the stream starved (the tile says "Video paused: poor
 * connection") until a layer flows again.
 */
describe('a camera the receiver cannot be sent (starved)', () => {
  const meeting = useTestHost();
  const { client } = meeting;

  it('is marked starved while no layer fits the downlink, and unmarked when one does again', async () => {
    const roomId = meeting.newRoom('starved');
    const ann = client();
    await ann.join({ roomId, displayName: 'Ann' });
    await ann.produceTrack(meeting.media({ width: 640, height: 360, fps: 15, detailed: true }).video, 'camera');
    const bob = client();
    await bob.join({ roomId, displayName: 'Bob' });
    const annCamera = () => bob.participants.get(ann.peerId!)?.streamFor('camera');
    await waitFor(() => annCamera(), 'Bob receives Ann’s camera');
    const bobOnHost = meeting.host.rooms.get(roomId)!.peers.get(bob.peerId!)!;
    const layers: (number | null)[] = [];
    bob.on('consumerLayersChanged', (event) => layers.push(event.spatialLayer));
    await waitFor(() => (layers.some((l) => l !== null) ? true : undefined), 'a layer flows to Bob', 15_000);

    // Bob's downlink as mediasoup sees it: 30 kbit/s, below Ann's lowest layer.
    await bobOnHost.recvTransport.setMaxOutgoingBitrate(30_000);
    await waitFor(() => (annCamera()?.starved ? true : undefined), 'Ann’s camera marked starved on Bob’s side', 20_000);

    await bobOnHost.recvTransport.setMaxOutgoingBitrate(0);
    await waitFor(() => (annCamera()?.starved === false ? true : undefined), 'a layer flows again', 30_000);
    expect(layers.at(-1)).not.toBeNull();
  }, 90_000);
});
