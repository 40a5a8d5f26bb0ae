import type { SegmentationAssets } from './segmentationAssets';

/** Page → background worker: the camera's frames in, the made frames out. */
export interface StartMessage {
  type: 'start';
  frames: ReadableStream<VideoFrame>;
  output: WritableStream<VideoFrame>;
  assets: SegmentationAssets;
  /** The picture to put behind the person; blur when absent. */
  picture?: ImageBitmap;
}

/** Background worker → page. */
export type WorkerMessage =
  | { type: 'ready' }
  /** One frame made at `width`×`height`; worker time: taking the frame in and segmenting it (every other frame at 30 fps), compositing, and in all. */
  | { type: 'frame'; segmentMs: number; composeMs: number; totalMs: number; width: number; height: number }
  | { type: 'failed'; message: string };
