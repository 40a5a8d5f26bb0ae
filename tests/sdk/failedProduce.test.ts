/**
 * A produce that fails inside mediasoup-client's `send()` (here: the send transport's connect is
 * refused once, as when the signaling connection drops while that request is pending) leaves its
 * transceiver in the send PeerConnection, and every later produce on that transport failed with
 * "The order of m-lines in answer doesn't match order in offer" (bench:room-scale, 50 participants):
 * the participant could send nothing for the rest of the meeting. The SDK now rebuilds its send
 * side (a rejoin) and sends every local stream again, the failed one included.
 */
import { describe, expect, it } from 'vitest';
import type { Conference } from '../../renderer/src/conference';
import { startFaultRelay } from '../support/faultRelay';
import { useTestHost } from '../support/meetingFixture';
import { waitFor } from '../support/testHost';

describe('a produce that failed half-way', () => {
  const fixture = useTestHost();

  /** A client whose requests pass a relay that refuses the first `times` `refuse` requests (the host did them). */
  async function joinerRefusing(refuse: (request: string, sendTransportId: string | undefined) => boolean, times = 1) {
    let sendTransportId: string | undefined;
    let refused = 0;
    const relay = await startFaultRelay(fixture.host.baseUrl, {
      rewriteAnswer: (request, ack) => {
        if (request === 'join' && ack?.ok) sendTransportId = ack.data.sendTransport.id;
        if (refused >= times || !refuse(request, sendTransportId)) return ack;
        refused++;
        return { ok: false, error: { code: 'internal', message: 'lost on the way (test)' } };
      },
    });
    fixture.defer(() => relay.close());
    const joiner = fixture.client(relay.url);
    const states: string[] = [];
    joiner.on('connectionStateChanged', ({ state, reason }) => states.push(reason ? `${state}: ${reason}` : state));
    return { relay, joiner, states, refused: () => refused };
  }

  /** Resolves once the host forwards RTP of `sender`'s `source` to `viewer`. */
  async function forwarded(roomId: string, sender: Conference, viewer: Conference, source: string): Promise<void> {
    await waitFor(async () => {
      const room = fixture.host.rooms.get(roomId)!;
      const producer = [...(room.peers.get(sender.peerId!)?.producers.values() ?? [])].find((p) => p.appData.source === source);
      const consumer = [...(room.peers.get(viewer.peerId!)?.consumers.values() ?? [])].find((c) => c.producerId === producer?.id);
      const stats = await consumer?.getStats();
      return stats?.some((s) => s.type === 'outbound-rtp' && s.packetCount > 0) || undefined;
    }, `${source} forwarded to the viewer`, 20_000);
  }

  it('the send transport refused its connect: the send side is rebuilt and every track arrives', { timeout: 60_000 }, async () => {
    const roomId = fixture.newRoom();
    const viewer = await fixture.joined(roomId, 'Viewer');
    const { joiner, states, refused } = await joinerRefusing((request, sendTransportId) => request === 'connectTransport' && sendTransportId !== undefined);
    await joiner.join({ roomId, displayName: 'Joiner' });
    const media = fixture.media();
    const camera = await joiner.produceTrack(media.video, 'camera');
    expect(refused()).toBe(1);
    const mic = await joiner.produceTrack(media.audio, 'mic');
    await forwarded(roomId, joiner, viewer, 'camera');
    await forwarded(roomId, joiner, viewer, 'mic');
    expect(camera.stopped || mic.stopped).toBe(false);
    expect(states.filter((s) => s.startsWith('reconnecting'))).toEqual([expect.stringContaining('sending media failed')]);
    expect(joiner.state).toBe('connected');
  });

  it('camera and mic started together on a send side that breaks: both are kept and arrive after one rebuild', { timeout: 60_000 }, async () => {
    const roomId = fixture.newRoom();
    const viewer = await fixture.joined(roomId, 'Viewer');
    const { joiner, states } = await joinerRefusing((request, sendTransportId) => request === 'connectTransport' && sendTransportId !== undefined);
    await joiner.join({ roomId, displayName: 'Joiner' });
    const media = fixture.media();
    // The mic's send is queued behind the camera's, on the transport the camera's failure broke.
    const streams = await Promise.all([joiner.produceTrack(media.video, 'camera'), joiner.produceTrack(media.audio, 'mic')]);
    await forwarded(roomId, joiner, viewer, 'camera');
    await forwarded(roomId, joiner, viewer, 'mic');
    expect(streams.map((stream) => stream.stopped)).toEqual([false, false]);
    expect(states.filter((s) => s.startsWith('reconnecting'))).toHaveLength(1);
  });

  it('the host refused the produce itself: that produce fails, the next one works without a rebuild', { timeout: 60_000 }, async () => {
    const roomId = fixture.newRoom();
    const viewer = await fixture.joined(roomId, 'Viewer');
    const { joiner, states, refused } = await joinerRefusing((request) => request === 'produce');
    await joiner.join({ roomId, displayName: 'Joiner' });
    const media = fixture.media();
    await expect(joiner.produceTrack(media.video, 'camera')).rejects.toThrow('lost on the way');
    expect(refused()).toBe(1);
    await joiner.produceTrack(media.audio, 'mic');
    await forwarded(roomId, joiner, viewer, 'mic');
    expect(states.filter((s) => s.startsWith('reconnecting'))).toEqual([]);
  });

  it('a send side that never connects: the stream is given up after its retry, the meeting goes on', { timeout: 60_000 }, async () => {
    const roomId = fixture.newRoom();
    const { relay, joiner, states } = await joinerRefusing((request, sendTransportId) => request === 'connectTransport' && sendTransportId !== undefined, Infinity);
    await joiner.join({ roomId, displayName: 'Joiner' });
    const ended = new Promise<string>((resolve) => joiner.on('localStreamEnded', (stream) => resolve(stream.source)));
    await joiner.produceTrack(fixture.media().video, 'camera');
    expect(await ended).toBe('camera');
    await waitFor(() => relay.requests.filter((r) => r === 'join').length >= 3 || undefined, 'the second rebuild', 20_000);
    await waitFor(() => joiner.state === 'connected' || undefined, 'connected again', 20_000);
    // Nothing after the second rebuild (which has no stream to send): no loop of rejoins.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(relay.requests.filter((r) => r === 'join')).toHaveLength(3);
    expect(states).toEqual(['connecting', 'connected', ...Array(2).fill(['reconnecting: sending media failed (lost on the way (test))', 'connected']).flat()]);
    expect(joiner.state).toBe('connected');
  });
});
