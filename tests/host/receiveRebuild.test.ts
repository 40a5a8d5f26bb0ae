import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Conference, type StreamError } from '../../renderer/src/conference';
import type { Host } from '../../electron/host/Host';
import { countFrames, installWrtcGlobals, syntheticMedia } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';

installWrtcGlobals();

/**
 * A receive PeerConnection that fails at the SDP level (issue 10 item 3): every remote offer it is
 * given from now on is rejected, as a PeerConnection that refused one SDP stays broken for
 * mediasoup-client (its next offers still carry the refused m-sections). Injected in the client only.
 */
const proto = RTCPeerConnection.prototype as unknown as { setRemoteDescription(d: RTCSessionDescriptionInit): Promise<void> };
const realSetRemote = proto.setRemoteDescription;
const broken = new WeakSet<object>();
let breakEveryRecvPc = false;
proto.setRemoteDescription = function (this: object, description: RTCSessionDescriptionInit) {
  if (description?.type === 'offer' && (breakEveryRecvPc || broken.has(this))) {
    return Promise.reject(Object.assign(new Error('Failed to set remote offer sdp: injected failure'), { name: 'OperationError' }));
  }
  return realSetRemote.call(this, description);
};
const breakRecvOf = (conference: Conference) => broken.add((conference.transports.recv!.handler as unknown as { _pc: object })._pc);

describe('a receive transport that fails at the SDP level', () => {
  let host: Host;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterEach(async () => {
    breakEveryRecvPc = false;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    proto.setRemoteDescription = realSetRemote;
    await host.stop();
  });

  function client(): Conference {
    const conference = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    cleanups.push(() => conference.leave());
    return conference;
  }
  function media() {
    const m = syntheticMedia({ width: 160, height: 120, fps: 10 });
    cleanups.push(() => m.stop());
    return m;
  }
  function watchStates(conference: Conference): string[] {
    const states: string[] = [];
    conference.on('connectionStateChanged', ({ state }) => states.push(state));
    return states;
  }

  it('is rebuilt once, and the offer that failed arrives on the new one', async () => {
    const roomId = 'rebuild-once';
    const viewer = client();
    const sender = client();
    await viewer.join({ roomId, displayName: 'Viewer' });
    await sender.join({ roomId, displayName: 'Sender' });
    const failed: StreamError[] = [];
    viewer.on('streamFailed', ({ error }) => failed.push(error));
    const states = watchStates(viewer);
    breakRecvOf(viewer);

    const m = media();
    await sender.produceTrack(m.video, 'camera');
    await sender.produceTrack(m.audio, 'mic');

    await waitFor(() => viewer.participants.get(sender.peerId!)?.streamFor('camera'), 'the camera on the rebuilt receive transport', 20_000);
    await waitFor(() => viewer.state === 'connected' && viewer.participants.get(sender.peerId!)?.streamFor('mic'), 'the mic too', 20_000);
    const frames = countFrames(viewer.participants.get(sender.peerId!)!.streamFor('camera')!.stream.getVideoTracks()[0]!);
    try {
      await waitFor(() => frames.frames >= 3, 'decoded frames', 15_000);
    } finally {
      frames.stop();
    }
    expect(states.filter((s) => s === 'reconnecting')).toHaveLength(1);
    expect(failed).toEqual([]);
    const peer = host.rooms.get(roomId)!.peers.get(viewer.peerId!)!;
    expect(new Set([...peer.consumers.values()].map((c) => c.producerId)).size).toBe(peer.consumers.size);
    expect(peer.consumers.size).toBe(2);
  }, 60_000);

  it('failing again after the rebuild is reported as a typed error, without a rebuild loop', async () => {
    const roomId = 'rebuild-fails';
    const sender = client();
    await sender.join({ roomId, displayName: 'Sender' });
    const m = media();
    await sender.produceTrack(m.video, 'camera');
    await sender.produceTrack(m.audio, 'mic');
    // Every receive PeerConnection refuses its offers (the sender never receives anything).
    breakEveryRecvPc = true;
    const viewer = client();
    const failed: StreamError[] = [];
    viewer.on('streamFailed', ({ error }) => failed.push(error));
    const states = watchStates(viewer);
    await viewer.join({ roomId, displayName: 'Viewer' });

    await waitFor(() => failed.length === 2, 'both streams reported as failed', 30_000);
    expect(failed.map((e) => [e.name, e.code, e.reason])).toEqual([
      ['StreamError', 'media_failed', 'receive_transport_failed'],
      ['StreamError', 'media_failed', 'receive_transport_failed'],
    ]);
    // One rebuild, then the session stays (it can still send and be listed); no loop.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(states.filter((s) => s === 'reconnecting')).toHaveLength(1);
    expect(viewer.state).toBe('connected');
    // The host closed what the client could not take.
    await waitFor(() => host.rooms.get(roomId)!.peers.get(viewer.peerId!)!.consumers.size === 0, 'the consumers closed on the host');
  }, 60_000);
});
