/**
 * The werift load stack (bench/lib/loadStack.ts): WebRTC in TypeScript through werift's browser
 * polyfill, under the same SDK and mediasoup-client handler as the app. ICE, DTLS, SRTP and RTCP
 * are real; there are no codecs and no audio device, which is the point: a wrtc client's fake
 * audio device pulls every received audio track 100 times a second (N × (N − 1) tracks), which
 * filled this machine's two cores from 20 participants (docs/BENCHMARKS.md, twenty-first session).
 *
 * Such a client is silent and has no camera. Its mic sends Opus DTX as a silent mic does: one
 * packet every 400 ms, here the 1-byte TOC-only frame RFC 6716 §3.2.1 allows for DTX. A stream it
 * receives counts as arrived on the packet a decoder starts from: a camera's VP8 key frame, a
 * speaker's first speech frame (more than a DTX frame's 1–2 bytes). Decoding is wrtc's part.
 */
import { MediaStreamTrack as WeriftTrack, RtpHeader, RtpPacket } from 'werift';
import { installPolyfill } from 'werift/polyfill';
import type { LoadStack, StreamWatch } from './loadStack';

/** Opus TOC byte: config 9 (SILK wideband, 20 ms), mono, one frame; alone, a DTX frame. */
const OPUS_DTX_FRAME = Buffer.from([9 << 3]);
const DTX_INTERVAL_MS = 400;
const OPUS_CLOCK = 48_000;

interface ReceivedPacket {
  payload: Buffer;
}
interface RemoteTrack {
  codec?: { mimeType: string };
  onReceiveRtp: { subscribe(listener: (packet: ReceivedPacket) => void): { unSubscribe(): void } };
}

/** The first byte of a VP8 frame after the payload descriptor (RFC 7741 §4.2), if this packet starts one. */
function vp8FrameStart(payload: Buffer): number | undefined {
  if (payload.length < 1) return undefined;
  const first = payload[0]!;
  const startOfPartition = (first & 0x10) !== 0 && (first & 0x07) === 0;
  if (!startOfPartition) return undefined;
  let offset = 1;
  if (first & 0x80) {
    const extension = payload[offset++] ?? 0;
    if (extension & 0x80) offset += (payload[offset] ?? 0) & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    if (extension & 0x40) offset += 1; // TL0PICIDX
    if (extension & 0x30) offset += 1; // TID / KEYIDX
  }
  return payload[offset];
}

/** Whether `packet` is where a decoder of `mimeType` can start (any packet, for a codec not parsed here). */
export function startsDecoding(mimeType: string | undefined, kind: 'audio' | 'video', payload: Buffer): boolean {
  if (kind === 'audio') return payload.length > 2;
  if (mimeType?.toLowerCase() !== 'video/vp8') return payload.length > 0;
  const header = vp8FrameStart(payload);
  return header !== undefined && (header & 0x01) === 0; // P bit clear: a key frame
}

function dtxMic(): { track: () => MediaStreamTrack; stop(): void } {
  const tracks = new Set<WeriftTrack>();
  let sequenceNumber = Math.floor(Math.random() * 0xffff);
  let timestamp = Math.floor(Math.random() * 0xffffffff);
  const timer = setInterval(() => {
    sequenceNumber = (sequenceNumber + 1) & 0xffff;
    timestamp = (timestamp + (OPUS_CLOCK * DTX_INTERVAL_MS) / 1000) >>> 0;
    for (const track of tracks) {
      if (track.stopped) tracks.delete(track);
      else track.writeRtp(new RtpPacket(new RtpHeader({ sequenceNumber, timestamp }), OPUS_DTX_FRAME));
    }
  }, DTX_INTERVAL_MS);
  return {
    track: () => {
      const track = new WeriftTrack({ kind: 'audio' });
      tracks.add(track);
      return track as unknown as MediaStreamTrack;
    },
    stop: () => {
      clearInterval(timer);
      for (const track of tracks) track.stop();
      tracks.clear();
    },
  };
}

export function weriftStack(): LoadStack {
  // No devices: the SDK is given its tracks. (werift would query mDNS only for a `.local` remote
  // candidate; the bench's host announces 127.0.0.1.)
  installPolyfill({ mediaRegister: [] });
  return {
    name: 'werift',
    watch(): StreamWatch {
      const subscriptions = new Set<{ unSubscribe(): void }>();
      let stopped = false;
      return {
        add(event, onFirst) {
          const track = event.stream.getTracks()[0] as unknown as RemoteTrack | undefined;
          if (!track || stopped) return;
          const subscription = track.onReceiveRtp.subscribe((packet) => {
            if (stopped || !startsDecoding(track.codec?.mimeType, event.kind, packet.payload)) return;
            subscription.unSubscribe();
            subscriptions.delete(subscription);
            onFirst();
          });
          subscriptions.add(subscription);
        },
        stop() {
          stopped = true;
          for (const subscription of subscriptions) subscription.unSubscribe();
          subscriptions.clear();
        },
      };
    },
    media({ camera, speaking }) {
      if (camera || speaking) throw new Error('a werift load client has no codecs: it can only be a silent, camera-less participant');
      const mic = dtxMic();
      return { mic: mic.track, stop: mic.stop };
    },
  };
}
