/**
 * Synthetic media for Node-side WebRTC clients (@roamhq/wrtc), tuned for load tests.
 *
 * tests/support/wrtc.ts's syntheticMedia() paints a flat frame whose brightness changes: VP8 codes
 * that in a few hundred bytes, so the "video" would cost the SFU almost nothing. Load tests need a
 * stream at a realistic, fixed bitrate instead: here every frame is a moving texture with a noise
 * band refreshed from a small pool of pre-generated noise (incompressible, so the encoder runs at
 * its target bitrate — the encodings' maxBitrate — whatever the resolution). Generating a frame is
 * a few memcpy calls; the encoder is the only real cost.
 */
import { randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
 
const wrtc = require('@roamhq/wrtc');

export interface BenchMedia {
  video?: MediaStreamTrack;
  audio?: MediaStreamTrack;
  stop(): void;
}

export interface BenchMediaOptions {
  /** 0 = no video track. */
  width?: number;
  height?: number;
  fps?: number;
  audio?: boolean;
  /** Audio is digital silence (a muted-by-silence mic: Opus DTX sends a packet every 400 ms). */
  silent?: boolean;
  /** Fraction of the frame's rows that carry fresh noise every frame (0..1). */
  noise?: number;
}

const NOISE_POOL = 6;

export function benchMedia({ width = 320, height = 240, fps = 15, audio = true, noise = 0.35, silent = false }: BenchMediaOptions = {}): BenchMedia {
  const { RTCVideoSource, RTCAudioSource } = wrtc.nonstandard;
  const timers: NodeJS.Timeout[] = [];
  let video: MediaStreamTrack | undefined;
  let audioTrack: MediaStreamTrack | undefined;

  if (width > 0 && height > 0) {
    const source = new RTCVideoSource();
    const lumaSize = width * height;
    const frameSize = lumaSize * 1.5;
    // A texture twice as wide as the frame: the visible window slides over it (motion).
    const textureWidth = width * 2;
    const texture = new Uint8ClampedArray(textureWidth * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < textureWidth; x++) {
        texture[y * textureWidth + x] = 128 + 60 * Math.sin(x / 7 + Math.sin(y / 11) * 3) + 40 * Math.cos(y / 5);
      }
    }
    const noiseRows = Math.max(2, Math.floor(height * noise) & ~1);
    const pool = Array.from({ length: NOISE_POOL }, () => randomFillSync(new Uint8ClampedArray(noiseRows * width)));
    const frames = [0, 1].map(() => new Uint8ClampedArray(frameSize).fill(128));
    let tick = 0;
    timers.push(
      setInterval(() => {
        const data = frames[tick % 2]!;
        const shift = (tick * 4) % width;
        for (let y = 0; y < height; y++) {
          const from = y * textureWidth + shift;
          data.set(texture.subarray(from, from + width), y * width);
        }
        if (noise > 0) data.set(pool[tick % NOISE_POOL]!, ((height - noiseRows) >> 1) * width);
        tick++;
        source.onFrame({ width, height, data });
      }, 1000 / fps),
    );
    video = source.createTrack() as MediaStreamTrack;
  }

  if (audio) {
    const source = new RTCAudioSource();
    const sampleRate = 48_000;
    // One second of a warbling tone, computed once (never silent, so Opus DTX does not thin the
    // packet rate out); every 10 ms the next slice is sent.
    const tone = new Int16Array(sampleRate);
    for (let i = 0; i < tone.length && !silent; i++) {
      const f = 440 + 120 * Math.sin((2 * Math.PI * i) / sampleRate);
      tone[i] = Math.round(6000 * Math.sin((i * 2 * Math.PI * f) / sampleRate));
    }
    const chunk = sampleRate / 100;
    let offset = 0;
    // Real time whatever the timer does: a busy event loop fires a 10 ms interval late and seldom
    // (it never catches up), so each tick sends every 10 ms chunk due since the last one. Fewer
    // chunks would mean fewer Opus packets than a real microphone sends: the host's level
    // observers would not hear the speaker, and the bench would measure its own starvation.
    let sentUntil = performance.now();
    timers.push(
      setInterval(() => {
        const now = performance.now();
        // After a stall of more than half a second, the rest is dropped (as a device would).
        sentUntil = Math.max(sentUntil, now - 500);
        for (; sentUntil + 10 <= now; sentUntil += 10) {
          const samples = tone.slice(offset, offset + chunk);
          offset = (offset + chunk) % tone.length;
          source.onData({ samples, sampleRate, bitsPerSample: 16, channelCount: 1, numberOfFrames: chunk });
        }
      }, 10),
    );
    audioTrack = source.createTrack() as MediaStreamTrack;
  }

  return {
    video,
    audio: audioTrack,
    stop() {
      for (const timer of timers) clearInterval(timer);
      video?.stop();
      audioTrack?.stop();
    },
  };
}
