/**
 * Real WebRTC in Node for host tests: @roamhq/wrtc's native peer connection, installed as the
 * browser globals mediasoup-client expects (its 'Chrome111' handler then works unchanged).
 */
import { createRequire } from 'node:module';
import { keepThreadsOffRealtime } from './realtimeThreads';

const require = createRequire(import.meta.url);
 
const wrtc = require('@roamhq/wrtc');
// When the event loop runs dry, Node frees its environment, and wrtc's finalizers then crash
// (SIGSEGV in napi_reference_unref / ~RTCRtpReceiver) in about 2 of 3 processes: a vitest fork or
// a bench would end with a segfault after its results. process.exit() skips that teardown.
process.once('beforeExit', (code) => process.exit(code));

/*
 * The same finalizers can run mid-test, when V8 collects a receiver's or track's JavaScript
 * wrapper: a vitest fork then dies ("Worker exited unexpectedly"; tests/sdk/features.test.ts in a
 * clean-clone CI run). Every wrtc object JavaScript gets hold of is kept until the process ends, so
 * no wrapper is collected while the process runs (a test process creates a few hundred at most).
 */
const retained = new Set<unknown>();
function retain(value: unknown): void {
  if (!value || typeof value !== 'object' || retained.has(value)) return;
  retained.add(value);
  const item = value as { receiver?: unknown; sender?: unknown; track?: unknown };
  for (const part of [item.receiver, item.sender, item.track, (item.receiver as { track?: unknown } | undefined)?.track]) retain(part);
}
const peerConnectionMethods = ['addTransceiver', 'addTrack', 'getTransceivers', 'getReceivers', 'getSenders'] as const;
const peerConnectionPrototype = wrtc.RTCPeerConnection.prototype as Record<string, (...args: unknown[]) => unknown>;
for (const method of peerConnectionMethods) {
  const original = peerConnectionPrototype[method]!;
  peerConnectionPrototype[method] = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    for (const item of Array.isArray(result) ? result : [result]) retain(item);
    return result;
  };
}
/*
 * Reading `localDescription` can crash the process: a vitest fork died with SIGSEGV in
 * webrtc::SdpSerialize under node_webrtc::RTCPeerConnection::GetLocalDescription (core dump, a
 * prepared-transports test; mediasoup-client reads it right after setLocalDescription, also when the
 * transport was closed meanwhile). The native getter serializes a description the native side may
 * have freed or be changing. mediasoup-client needs only what it just set (its own offer or answer:
 * MIDs, SSRCs, DTLS fingerprint), so each connection answers from a copy of the last description set.
 */
type NativeConnection = { setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void> };
function localDescriptionFromCopy(native: NativeConnection): void {
  let local: RTCSessionDescriptionInit | null = null;
  const setLocalDescription = native.setLocalDescription.bind(native);
  Object.defineProperty(native, 'setLocalDescription', {
    value: async (description?: RTCSessionDescriptionInit) => {
      await setLocalDescription(description);
      if (description?.sdp) local = { type: description.type, sdp: description.sdp };
    },
  });
  Object.defineProperty(native, 'localDescription', { get: () => local });
}

const NativePeerConnection = wrtc.RTCPeerConnection as new (...args: unknown[]) => EventTarget;
const RetainedPeerConnection = function (this: unknown, ...args: unknown[]) {
  const pc = new NativePeerConnection(...args);
  localDescriptionFromCopy((pc as unknown as { _pc: NativeConnection })._pc);
  retain(pc);
  pc.addEventListener('track', (event) => {
    const track = event as Event & { receiver?: unknown; track?: unknown; transceiver?: unknown; streams?: unknown[] };
    for (const part of [track.receiver, track.track, track.transceiver, ...(track.streams ?? [])]) retain(part);
  });
  return pc;
} as unknown as typeof wrtc.RTCPeerConnection;
RetainedPeerConnection.prototype = wrtc.RTCPeerConnection.prototype;
Object.setPrototypeOf(RetainedPeerConnection, wrtc.RTCPeerConnection);

const globals = [
  'RTCPeerConnection',
  'RTCSessionDescription',
  'RTCIceCandidate',
  'MediaStream',
  'MediaStreamTrack',
  'RTCRtpSender',
  'RTCRtpReceiver',
  'RTCRtpTransceiver',
  'RTCDataChannel',
] as const;

export function installWrtcGlobals(): void {
  keepThreadsOffRealtime();
  for (const name of globals) (globalThis as Record<string, unknown>)[name] ??= name === 'RTCPeerConnection' ? RetainedPeerConnection : wrtc[name];
}

export interface SyntheticMedia {
  video: MediaStreamTrack;
  audio: MediaStreamTrack;
  stop(): void;
}

/**
 * A moving synthetic 320x240@15 picture and a 440 Hz tone, fed from timers. `detailed`: the picture
 * is noise, so every layer costs its full bitrate (a flat picture encodes to almost nothing).
 */
export function syntheticMedia({ width = 320, height = 240, fps = 15, detailed = false } = {}): SyntheticMedia {
  const { RTCVideoSource, RTCAudioSource } = wrtc.nonstandard;
  const videoSource = new RTCVideoSource();
  const audioSource = new RTCAudioSource();
  const frame = { width, height, data: new Uint8ClampedArray(width * height * 1.5) };
  let tick = 0;
  const videoTimer = setInterval(() => {
    frame.data.fill(tick++ % 255, 0, width * height); // luma changes every frame: never a static image
    if (detailed) for (let i = 0; i < width * height; i += 4) frame.data[i] = (Math.random() * 255) | 0;
    videoSource.onFrame(frame);
  }, 1000 / fps);
  const sampleRate = 48_000;
  const samples = new Int16Array(sampleRate / 100);
  let phase = 0;
  const audioTimer = setInterval(() => {
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((phase++ * 2 * Math.PI * 440) / sampleRate));
    audioSource.onData({ samples, sampleRate, bitsPerSample: 16, channelCount: 1, numberOfFrames: samples.length });
  }, 10);
  const video = videoSource.createTrack() as MediaStreamTrack;
  const audio = audioSource.createTrack() as MediaStreamTrack;
  return {
    video,
    audio,
    stop() {
      clearInterval(videoTimer);
      clearInterval(audioTimer);
      video.stop();
      audio.stop();
    },
  };
}

/** Counts decoded frames arriving on a received video track. */
export function countFrames(track: MediaStreamTrack): { readonly frames: number; readonly width: number; stop(): void } {
  const sink = new wrtc.nonstandard.RTCVideoSink(track);
  const state = { frames: 0, width: 0 };
  sink.onframe = ({ frame }: { frame: { width: number } }) => {
    state.frames++;
    state.width = frame.width;
  };
  return {
    get frames() {
      return state.frames;
    },
    get width() {
      return state.width;
    },
    stop: () => sink.stop(),
  };
}

/** A screen share of a still picture: one frame, then nothing (the encoder has nothing new to send). */
export function staticScreen({ width = 640, height = 360 } = {}): { track: MediaStreamTrack; stop(): void } {
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack() as MediaStreamTrack;
  source.onFrame({ width, height, data: new Uint8ClampedArray(width * height * 1.5) });
  return { track, stop: () => track.stop() };
}
