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
  /** One frame made: ms spent segmenting, compositing, and in all (worker time). */
  | { type: 'frame'; segmentMs: number; composeMs: number; totalMs: number }
  | { type: 'failed'; message: string };
