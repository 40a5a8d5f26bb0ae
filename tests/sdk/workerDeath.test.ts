import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import type { Host } from '../../electron/host/Host';
import { countFrames, installWrtcGlobals, syntheticMedia } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';

installWrtcGlobals();

describe('a mediasoup worker killed mid-meeting', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost({ workers: 1 });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('is replaced; the room moves; clients rejoin by themselves and media flows again', async () => {
    const senderMedia = syntheticMedia();
    const sender = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    const viewer = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    try {
      await sender.join({ roomId: 'fragile', displayName: 'Sender' });
      await sender.produceTrack(senderMedia.video, 'camera');
      await viewer.join({ roomId: 'fragile', displayName: 'Viewer' });
      const firstStream = await waitFor(() => viewer.participants.get(sender.peerId!)?.streamFor('camera'), 'video before the crash');
      const before = countFrames(firstStream.stream.getVideoTracks()[0]!);
      await waitFor(() => before.frames > 3, 'frames before the crash', 15_000);
      before.stop();

      const states: string[] = [];
      viewer.on('connectionStateChanged', (e) => states.push(e.state));
      const oldPid = host.pool.slots[0]!.worker.pid;
      process.kill(oldPid, 'SIGKILL');

      await waitFor(() => host.pool.slots[0]!.worker.pid !== oldPid && !host.pool.slots[0]!.worker.closed, 'replacement worker', 15_000);
      await waitFor(() => states.includes('reconnecting') && viewer.state === 'connected', 'viewer rejoined', 20_000);
      await waitFor(() => sender.state === 'connected' && viewer.participants.has(sender.peerId!), 'sender back in the room', 20_000);

      const secondStream = await waitFor(() => viewer.participants.get(sender.peerId!)?.streamFor('camera'), 'video after the crash', 20_000);
      const after = countFrames(secondStream.stream.getVideoTracks()[0]!);
      await waitFor(() => after.frames > 3, 'frames after the crash', 20_000);
      after.stop();
      expect(host.stopped).toBe(false);
      expect(host.rooms.get('fragile')?.slot.worker.pid).toBe(host.pool.slots[0]!.worker.pid);
    } finally {
      senderMedia.stop();
      await viewer.leave();
      await sender.leave();
    }
  });
});
