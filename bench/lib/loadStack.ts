/**
 * What a large-room load client runs on: the WebRTC stack behind the SDK (installed as the browser
 * globals mediasoup-client's 'Chrome111' handler uses), the media it sends, and how it notices that
 * a stream it should get has arrived. Two stacks (bench:room-scale's large room):
 *   - wrtc (@roamhq/wrtc, Chromium's native WebRTC): real encoders and decoders; a stream counts
 *     once decoded (bench/lib/firstMedia.ts). Cameras and speakers, whose media must be real.
 *   - werift (WebRTC in TypeScript, no codecs, no audio device): bench/lib/weriftStack.ts, for
 *     the silent receive-only majority, whose cost on wrtc was the load generator's limit.
 */
import type { Conference, StreamEvent } from '../../renderer/src/conference';

export interface StreamWatch {
  /** Calls `onFirst` once `event`'s stream has arrived (what "arrived" means is the stack's). */
  add(event: StreamEvent, onFirst: () => void): void;
  stop(): void;
}

export interface ClientMedia {
  mic: () => MediaStreamTrack;
  camera?: () => MediaStreamTrack;
  stop(): void;
}

export interface LoadStack {
  name: 'wrtc' | 'werift';
  watch(conference: Conference): StreamWatch;
  /** A participant's media: a mic (speaking or silent with DTX), and a camera if `camera`. */
  media(options: { camera: boolean; speaking: boolean }): ClientMedia;
}

/** Installs the stack's globals: call once per process, before any client is made. */
export async function loadStack(name: LoadStack['name']): Promise<LoadStack> {
  if (name === 'werift') return (await import('./weriftStack')).weriftStack();
  return (await import('./wrtcStack')).wrtcStack();
}
