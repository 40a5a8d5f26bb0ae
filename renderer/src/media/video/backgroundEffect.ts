import type { Results, SelfieSegmentation } from '@mediapipe/selfie_segmentation';
import { startTicker } from '../ticker';
import { processedTrack } from '../processedTrack';
import { loadSelfieSegmentation, locateFile } from './mediapipeAssets';

export type BackgroundKind = 'none' | 'blur' | 'image';

export interface BackgroundOptions {
  kind: Exclude<BackgroundKind, 'none'>;
  /** For `image`: a picture (data: URL) drawn behind the person. */
  imageUrl?: string;
  /** Called once if segmentation cannot keep up with the camera; the owner should drop the effect. */
  onTooSlow(averageMs: number): void;
  /** Per-frame processing times, for benchmarks. */
  onFrame?(ms: number): void;
}

const BLUR_PX = 14;
/** Judged after this many frames (the first ones include model start-up). */
const WARMUP_FRAMES = 15;
const JUDGE_FRAMES = 30;
const JUDGE_AFTER_MS = 10_000;
/** Slower than this (≈ 12 fps) is not "keeping up" with a camera. */
const TOO_SLOW_MS = 85;

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the background picture could not be read'));
    image.src = url;
  });
}

/**
 * The camera with its background blurred or replaced: MediaPipe selfie segmentation (wasm
 * inference, WebGL where available) finds the person; a 2D canvas composes person over the
 * blurred frame or the picture. Stopping the returned track stops the camera and the model.
 */
export async function applyBackground(camera: MediaStreamTrack, options: BackgroundOptions): Promise<MediaStreamTrack> {
  const settings = camera.getSettings();
  const width = settings.width ?? 640;
  const height = settings.height ?? 480;
  const fps = Math.min(settings.frameRate ?? 30, 30);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([camera]);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  const picture = options.kind === 'image' && options.imageUrl ? await loadImage(options.imageUrl) : undefined;

  const Segmenter = await loadSelfieSegmentation();
  const segmenter: SelfieSegmentation = new Segmenter({ locateFile });
  segmenter.setOptions({ modelSelection: 1 });
  segmenter.onResults((results) => compose(context, results, width, height, picture));
  await video.play();
  await segmenter.initialize();

  const times: number[] = [];
  const startedAt = performance.now();
  let busy = false;
  let stopped = false;
  let judged = false;
  const stopTicker = startTicker(1000 / fps, () => {
    if (busy || stopped || video.readyState < 2) return;
    busy = true;
    const started = performance.now();
    segmenter
      .send({ image: video })
      .then(() => {
        const ms = performance.now() - started;
        options.onFrame?.(ms);
        times.push(ms);
        // Judged after enough frames, or after a while on a machine too slow to produce them.
        const waited = performance.now() - startedAt > JUDGE_AFTER_MS && times.length >= 3;
        if (!judged && (times.length >= WARMUP_FRAMES + JUDGE_FRAMES || waited)) {
          judged = true;
          const recent = times.slice(Math.min(WARMUP_FRAMES, Math.floor(times.length / 3)));
          const average = recent.reduce((a, b) => a + b, 0) / recent.length;
          if (average > TOO_SLOW_MS) options.onTooSlow(average);
        }
        if (times.length > 1000) times.splice(WARMUP_FRAMES, times.length - WARMUP_FRAMES - JUDGE_FRAMES);
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  });

  const [output] = canvas.captureStream(fps).getVideoTracks();
  if (!output) throw new Error('this browser cannot send a canvas');
  return processedTrack(output, camera, () => {
    stopped = true;
    stopTicker();
    video.srcObject = null;
    void segmenter.close().catch(() => undefined);
  });
}

function compose(context: CanvasRenderingContext2D, results: Results, width: number, height: number, picture?: HTMLImageElement): void {
  context.save();
  context.clearRect(0, 0, width, height);
  // The person: the mask, then the frame only where the mask is.
  context.drawImage(results.segmentationMask, 0, 0, width, height);
  context.globalCompositeOperation = 'source-in';
  context.drawImage(results.image, 0, 0, width, height);
  // Behind the person: the blurred frame, or the picture (cover-fitted).
  context.globalCompositeOperation = 'destination-over';
  if (picture) {
    const scale = Math.max(width / picture.naturalWidth, height / picture.naturalHeight);
    const w = picture.naturalWidth * scale;
    const h = picture.naturalHeight * scale;
    context.drawImage(picture, (width - w) / 2, (height - h) / 2, w, h);
  } else {
    context.filter = `blur(${BLUR_PX}px)`;
    context.drawImage(results.image, 0, 0, width, height);
  }
  context.restore();
}
