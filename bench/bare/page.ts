/**
 * The bare-mediasoup join page (bundled by bench/join.ts with esbuild, served by bench/bare/server.ts).
 * `window.bareBench.join()` runs the typical request-per-step flow (bench/bare/client.ts), shows each
 * remote video in a <video>, and records when things happened (performance.now() ms):
 * start, socketConnected, capabilities, deviceLoaded, sendTransport, recvTransport, joined,
 * consumed, recvConnected, resumed-video, firstFrame (requestVideoFrameCallback on the remote video).
 */
import { BareClient } from './client';

interface JoinArgs {
  url: string;
  roomId: string;
  displayName: string;
  /** Send camera (720p, 3-layer simulcast like Roundtable) and mic after joining. */
  produce: boolean;
}

const state: { client?: BareClient; start?: number; firstFrame?: number; frame?: Record<string, number> } = {};

async function join(args: JoinArgs): Promise<void> {
  state.start = performance.now();
  const client = await BareClient.join({
    url: args.url,
    roomId: args.roomId,
    displayName: args.displayName,
    onConsumer: ({ consumer }) => {
      if (consumer.kind === 'audio') {
        // Played, like the app plays remote audio (Chromium reports audio RTP sources only once played out).
        const audio = document.createElement('audio');
        audio.autoplay = true;
        audio.srcObject = new MediaStream([consumer.track]);
        document.getElementById('remote')!.append(audio);
        void audio.play().catch(() => undefined);
        return;
      }
      if (consumer.kind !== 'video') return;
      const video = document.createElement('video');
      video.autoplay = true;
      video.muted = true;
      video.playsInline = true;
      video.srcObject = new MediaStream([consumer.track]);
      video.requestVideoFrameCallback((now, metadata) => {
        state.firstFrame ??= now;
        state.frame = { now, presentationTime: metadata.presentationTime, receiveTime: (metadata as { receiveTime?: number }).receiveTime ?? 0 };
      });
      document.getElementById('remote')!.append(video);
      void video.play().catch(() => undefined);
    },
  });
  state.client = client;
  if (args.produce) {
    // Like Roundtable's app: camera and mic start once the join is answered.
    const media = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
    });
    for (const track of media.getTracks()) await client.produce(track, track.kind === 'video' ? 'camera' : 'mic');
  }
}

(window as unknown as { bareBench: unknown }).bareBench = {
  join,
  get marks() {
    return { ...state.client?.marks, start: state.start, firstFrame: state.firstFrame };
  },
  get frame() {
    return state.frame;
  },
  get requests() {
    return state.client?.requests ?? 0;
  },
  async inboundBytes(): Promise<number> {
    const report = await state.client?.recvTransport.getStats();
    let bytes = 0;
    report?.forEach((s: { type: string; bytesReceived?: number }) => {
      if (s.type === 'inbound-rtp') bytes += s.bytesReceived ?? 0;
    });
    return bytes;
  },
};
