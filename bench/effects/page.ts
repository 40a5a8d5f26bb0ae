/// <reference types="vite/client" />
/**
 * Bench page: the app's own effect code and assets (renderer/src/media), timed in Chromium.
 * Exposes `window.bench` for bench/effects.ts.
 */
import { loadRnnoise, RnnoiseWorkletNode } from '@sapphi-red/web-noise-suppressor';
import rnnoiseWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise.wasm?url';
import rnnoiseSimdWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm?url';
import rnnoiseWorkletUrl from '@sapphi-red/web-noise-suppressor/rnnoiseWorklet.js?url';
import { applyBackground, type FrameTiming } from '../../renderer/src/media/video/backgroundEffect';
import { timeLegacyWebgl } from './legacyWebgl';

/**
 * Renders `seconds` of noisy audio offline (a tone every other second over noise), with or
 * without RNNoise; answers wall-clock ms and the level of the noise-only seconds (dBFS), which
 * shows that RNNoise really ran.
 */
async function renderAudio(seconds: number, withRnnoise: boolean): Promise<{ ms: number; noiseDb: number }> {
  const rate = 48_000;
  const context = new OfflineAudioContext(1, rate * seconds, rate);
  const buffer = context.createBuffer(1, rate * seconds, rate);
  const data = buffer.getChannelData(0);
  for (let i = 0; i < data.length; i++) data[i] = (Math.random() * 2 - 1) * 0.1 + 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate) * (Math.floor(i / rate) % 2);
  const source = context.createBufferSource();
  source.buffer = buffer;
  if (withRnnoise) {
    const wasmBinary = await loadRnnoise({ url: rnnoiseWasmUrl, simdUrl: rnnoiseSimdWasmUrl });
    await context.audioWorklet.addModule(rnnoiseWorkletUrl);
    const node = new RnnoiseWorkletNode(context as unknown as AudioContext, { maxChannels: 1, wasmBinary });
    source.connect(node).connect(context.destination);
  } else {
    source.connect(context.destination);
  }
  source.start();
  const started = performance.now();
  const rendered = await context.startRendering();
  const ms = performance.now() - started;
  const out = rendered.getChannelData(0);
  let sum = 0;
  let count = 0;
  for (let second = 2; second < seconds; second += 2) {
    for (let i = second * rate; i < (second + 1) * rate; i++) {
      sum += out[i]! * out[i]!;
      count++;
    }
  }
  return { ms, noiseDb: 10 * Math.log10(sum / count + 1e-12) };
}

/**
 * Runs the background effect on the (fake) camera for `seconds`; answers the worker's per-frame
 * timings and how many frames the effect's track delivered (counted on a <video> playing it).
 */
async function runBackground(kind: 'blur' | 'image', seconds: number, width = 640, height = 480): Promise<{ frames: FrameTiming[]; delivered: number; seconds: number; tooSlow?: number; failed?: string }> {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width, height, frameRate: 30 } });
  const camera = media.getVideoTracks()[0]!;
  const frames: FrameTiming[] = [];
  let tooSlow: number | undefined;
  let failed: string | undefined;
  const picture = kind === 'image' ? makePicture() : undefined;
  const track = await applyBackground(camera, { kind, imageUrl: picture, onTooSlow: (ms) => (tooSlow = ms), onFailed: (message) => (failed = message), onFrame: (timing) => frames.push(timing) });
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = new MediaStream([track]);
  await video.play();
  let delivered = 0;
  const count = () => {
    delivered++;
    video.requestVideoFrameCallback(count);
  };
  video.requestVideoFrameCallback(count);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  track.stop();
  video.srcObject = null;
  return { frames, delivered, seconds: elapsed, tooSlow, failed };
}

function makePicture(): string {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 480;
  const context = canvas.getContext('2d')!;
  const gradient = context.createLinearGradient(0, 0, 640, 480);
  gradient.addColorStop(0, '#335');
  gradient.addColorStop(1, '#9ab');
  context.fillStyle = gradient;
  context.fillRect(0, 0, 640, 480);
  return canvas.toDataURL('image/jpeg');
}

/** MediaPipe's WebGL graph on the main thread, for comparison (see legacyWebgl.ts). */
async function runLegacyWebgl(seconds: number): Promise<{ frames: number[]; renderer: string }> {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 30 } });
  const camera = media.getVideoTracks()[0]!;
  try {
    return await timeLegacyWebgl(camera, seconds);
  } finally {
    camera.stop();
  }
}

(window as unknown as { bench: unknown }).bench = { renderAudio, runBackground, runLegacyWebgl };
