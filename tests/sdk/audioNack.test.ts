/**
 * Issue 11, behaviour 4: audio under downlink loss. The host retransmits lost Opus packets when the
 * receiver asks (NACK): the audio consumer a client gets carries `nack` feedback, so the browser's
 * jitter buffer requests what it missed instead of concealing it. Real host, @roamhq/wrtc clients
 * (mediasoup-client's Chrome handler declares Opus NACK support, as Chromium receives it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../electron/host/Host';
import { Conference } from '../../renderer/src/conference';
import { startTestHost, waitFor } from '../support/testHost';
import { installWrtcGlobals, syntheticMedia } from '../support/wrtc';

installWrtcGlobals();

describe('audio retransmission', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.stop();
  });

  it('gives receivers Opus consumers with NACK feedback, for the join answer and for later producers', async () => {
    const media = syntheticMedia();
    const early = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    const talker = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    const late = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    const hasNack = (conference: Conference) => {
      const mic = conference.participants.get(talker.peerId!)?.streamFor('mic');
      return mic?.consumer.rtpParameters.codecs[0]?.rtcpFeedback?.some((fb) => fb.type === 'nack' && !fb.parameter);
    };
    try {
      await early.join({ roomId: 'nack', displayName: 'Early' });
      await talker.join({ roomId: 'nack', displayName: 'Talker' });
      await talker.produceTrack(media.audio, 'mic');
      await waitFor(() => early.participants.get(talker.peerId!)?.streamFor('mic'), 'mic consumed after it started');
      await late.join({ roomId: 'nack', displayName: 'Late' });
      await waitFor(() => late.participants.get(talker.peerId!)?.streamFor('mic'), 'mic in the join answer');
      expect(hasNack(early)).toBe(true);
      expect(hasNack(late)).toBe(true);
      const hostSide = [...host.rooms.get('nack')!.peers.values()].flatMap((peer) => [...peer.consumers.values()]).filter((c) => c.kind === 'audio');
      expect(hostSide.length).toBe(2);
      for (const consumer of hostSide) expect(consumer.rtpParameters.codecs[0]?.rtcpFeedback?.map((fb) => fb.type)).toContain('nack');
    } finally {
      media.stop();
      for (const c of [late, talker, early]) await c.leave();
    }
  });
});
