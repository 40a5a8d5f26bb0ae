import { breakoutBox } from '../breakoutBox';
import { processedTrack } from '../processedTrack';
import type { StartMessage, WorkerMessage } from './backgroundMessages';
import { segmentationAssets } from './segmentationAssets';

export type BackgroundKind = 'none' | 'blur' | 'image';

export interface FrameTiming {
  /** Worker time for the whole frame, and its two parts. */
  totalMs: number;
  segmentMs: number;
  composeMs: number;
  /** The size the frame was drawn at (smaller than the camera's when full size was too slow). */
  width: number;
  height: number;
}

export interface BackgroundOptions {
  kind: Exclude<BackgroundKind, 'none'>;
  /** For `image`: a picture (data: URL) drawn behind the person. */
  imageUrl?: string;
  /** Called once if segmentation cannot keep up with the camera; the owner should drop the effect. */
  onTooSlow(averageMs: number): void;
  /** Called once if the effect stopped working after it started; the owner should drop the effect. */
  onFailed?(message: string): void;
  /** Per-frame processing times, for benchmarks. */
  onFrame?(timing: FrameTiming): void;
}

/** Judged after this many frames (the first ones include model start-up). */
const WARMUP_FRAMES = 15;
const JUDGE_FRAMES = 30;
const JUDGE_AFTER_MS = 10_000;
/** Slower than this (≈ 12 fps) is not "keeping up" with a camera. */
const TOO_SLOW_MS = 85;
const START_TIMEOUT_MS = 30_000;

async function loadPicture(url: string): Promise<ImageBitmap> {
  const image = new Image();
  image.src = url;
  try {
    await image.decode();
    return await createImageBitmap(image);
  } catch {
    throw new Error('the background picture could not be read');
  }
}

/**
 * The camera with its background blurred or replaced. The camera's frames go to a worker
 * (background.worker.ts) that segments and composes them; the page only wires the streams.
 * Stopping the returned track stops the camera and the worker.
 */
export async function applyBackground(camera: MediaStreamTrack, options: BackgroundOptions): Promise<MediaStreamTrack> {
  const box = breakoutBox();
  if (!box) throw new Error('this browser cannot process camera frames in a worker');
  const picture = options.kind === 'image' && options.imageUrl ? await loadPicture(options.imageUrl) : undefined;
  const { readable } = new box.MediaStreamTrackProcessor({ track: camera, maxBufferSize: 1 });
  const generator = new box.MediaStreamTrackGenerator({ kind: 'video' });
  const worker = new Worker(new URL('./background.worker.ts', import.meta.url), { type: 'module', name: 'background effect' });

  const times: number[] = [];
  let startedAt = performance.now();
  let judgedWidth = 0;
  let judged = false;
  let stopped = false;
  let started = false;
  const stop = () => {
    stopped = true;
    worker.terminate();
  };
  const judge = (ms: number, width: number) => {
    // The worker draws smaller when full size is too slow: only frames at the new size count.
    if (width !== judgedWidth) {
      judgedWidth = width;
      times.length = 0;
      startedAt = performance.now();
    }
    times.push(ms);
    // Judged after enough frames, or after a while on a machine too slow to produce them.
    const waited = performance.now() - startedAt > JUDGE_AFTER_MS && times.length >= 3;
    if (judged || (times.length < WARMUP_FRAMES + JUDGE_FRAMES && !waited)) return;
    judged = true;
    // The median: a few frames that waited for a busy CPU (another app, a build) do not decide.
    const recent = times.slice(Math.min(WARMUP_FRAMES, Math.floor(times.length / 3))).sort((a, b) => a - b);
    const typical = recent[Math.floor(recent.length / 2)]!;
    if (typical > TOO_SLOW_MS) options.onTooSlow(typical);
  };

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the segmentation model did not start in time')), START_TIMEOUT_MS);
    worker.onerror = (event) => {
      event.preventDefault();
      clearTimeout(timer);
      reject(new Error(event.message || 'the effect worker could not start'));
    };
    worker.onmessage = ({ data }: MessageEvent<WorkerMessage>) => {
      if (data.type === 'ready') {
        clearTimeout(timer);
        started = true;
        resolve();
      } else if (data.type === 'frame') {
        options.onFrame?.(data);
        judge(data.totalMs, data.width);
      } else if (data.type === 'failed') {
        clearTimeout(timer);
        if (!started) reject(new Error(data.message));
        else if (!stopped) options.onFailed?.(data.message);
      }
    };
  });
  const start: StartMessage = { type: 'start', frames: readable, output: generator.writable, assets: segmentationAssets(), picture };
  worker.postMessage(start, [readable, generator.writable, ...(picture ? [picture] : [])] as Transferable[]);
  try {
    await ready;
  } catch (error) {
    stop();
    generator.stop();
    throw error;
  }
  return processedTrack(generator, camera, stop);
}
