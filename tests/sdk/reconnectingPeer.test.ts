/**
 * Issue 11, behaviour 1 in the SDK: when another participant's connection drops, this client keeps
 * it (`reconnecting`, no `participantLeft`) and, once it is back, has the same participant again
 * (`participantUpdated`, not `participantJoined`) with its media flowing. Real host, real sockets,
 * @roamhq/wrtc clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import { Conference } from '../../renderer/src/conference';
import { startTestHost, waitFor } from '../support/testHost';
import { countFrames, installWrtcGlobals, syntheticMedia } from '../support/wrtc';

installWrtcGlobals();

describe('another participant whose connection drops', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost({ resumeWindowMs: 20_000 });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('stays in the list as reconnecting, and comes back as the same participant with media', async () => {
    const annMedia = syntheticMedia();
    const ann = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    const ben = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    try {
      await ann.join({ roomId: 'drop', displayName: 'Ann' });
      await ann.produceTrack(annMedia.video, 'camera');
      await ben.join({ roomId: 'drop', displayName: 'Ben' });
      const annId = ann.peerId!;
      await waitFor(() => ben.participants.get(annId)?.streamFor('camera'), "Ann's video at Ben");

      const events: string[] = [];
      ben.on('participantJoined', (p) => events.push(`joined:${p.displayName}`));
      ben.on('participantLeft', (p) => events.push(`left:${p.displayName}`));
      const sawReconnecting = new Promise<void>((resolve) => ben.on('participantUpdated', (p) => p.id === annId && p.reconnecting && resolve()));
      // The connection drops under Ann as on a dead network: no leave is sent; she reconnects by herself.
      ann.socket.io.engine.close();
      await sawReconnecting;
      expect(ben.participants.get(annId)?.reconnecting).toBe(true);

      await waitFor(() => ann.state === 'connected' && ben.participants.get(annId)?.reconnecting === false, 'Ann back at Ben', 20_000);
      expect(ann.peerId).toBe(annId);
      const stream = await waitFor(() => ben.participants.get(annId)?.streamFor('camera'), "Ann's video at Ben again", 20_000);
      const frames = countFrames(stream.stream.getVideoTracks()[0]!);
      await waitFor(() => frames.frames > 3, "Ann's frames at Ben again", 20_000);
      frames.stop();
      expect(events).toEqual([]);
    } finally {
      annMedia.stop();
      await ben.leave();
      await ann.leave();
    }
  });
});
