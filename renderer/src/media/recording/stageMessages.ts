import type { StageLayout } from './stageLayout';

/** Page → stage worker. */
export type StageMessage =
  /** Where the drawn frames go, and how often to draw. */
  | { type: 'start'; output: WritableStream<VideoFrame>; fps: number }
  /** The frames of a video track the layout refers to by `id`. */
  | { type: 'source'; id: string; frames: ReadableStream<VideoFrame> }
  /** A track the layout no longer shows. */
  | { type: 'drop'; id: string }
  | { type: 'layout'; layout: StageLayout }
  | { type: 'stop' };

/** Stage worker → page. */
export type StageWorkerMessage =
  /** Every few seconds: frames drawn and the worker's time per frame (median, ms). */
  | { type: 'stats'; frames: number; drawMs: number }
  /** The first picture went to the recorded track. */
  | { type: 'drawing' }
  | { type: 'failed'; message: string }
  | { type: 'stopped' };
