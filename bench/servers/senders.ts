/**
 * Child process: a few Node-side SDK senders (wrtc) for bench:adaptive. Nine 720p simulcast senders
 * in one Node process share one main thread; its scheduling jitter reaches their bandwidth
 * estimators, which then drop the 720p layer ("bandwidth" limited on loopback). Spreading them over
 * a few processes keeps each sender's timing closer to a real, separate machine.
 */
import { Conference } from '../../renderer/src/conference';
import { installWrtcGlobals } from '../../tests/support/wrtc';
import { benchMedia, type BenchMedia } from '../lib/media';
import { childOptions, serveParent } from '../lib/serverProcess';

installWrtcGlobals();

const options = childOptions<{ url: string; roomId: string; names: string[]; width: number; height: number; fps: number; noise: number; audio: boolean }>();
const senders: { conference: Conference; media: BenchMedia }[] = [];

for (const name of options.names) {
  const conference = new Conference({ url: options.url, handlerName: 'Chrome111' });
  // A sender only sends: whatever it is offered is paused at once (the host stops forwarding it).
  conference.on('streamAdded', (event) => void conference.setConsumerPaused(event.consumerId, true).catch(() => undefined));
  await conference.join({ roomId: options.roomId, displayName: name });
  const media = benchMedia({ width: options.width, height: options.height, fps: options.fps, audio: options.audio, noise: options.noise });
  if (media.audio) await conference.produceTrack(media.audio, 'mic');
  await conference.produceTrack(media.video!, 'camera');
  senders.push({ conference, media });
}

/** What each sender's WebRTC stack says about its simulcast layers: resolution and why it is limited. */
async function outboundVideo(conference: Conference) {
  const report = await conference.transports.send?.getStats();
  const layers: { rid: string; width: number; kbpsTarget: number; limitation: string }[] = [];
  report?.forEach((s: { type: string; kind?: string; rid?: string; frameWidth?: number; targetBitrate?: number; qualityLimitationReason?: string }) => {
    if (s.type === 'outbound-rtp' && s.kind === 'video') {
      layers.push({ rid: s.rid ?? '-', width: s.frameWidth ?? 0, kbpsTarget: Math.round((s.targetBitrate ?? 0) / 1000), limitation: s.qualityLimitationReason ?? '?' });
    }
  });
  return layers.sort((a, b) => a.rid.localeCompare(b.rid));
}

serveParent(
  { baseUrl: options.url, workerPid: 0 },
  { outbound: () => Promise.all(senders.map(({ conference }) => outboundVideo(conference))) },
  async () => {
    await Promise.all(
      senders.map(async ({ conference, media }) => {
        await conference.leave().catch(() => undefined);
        media.stop();
      }),
    );
  },
);
