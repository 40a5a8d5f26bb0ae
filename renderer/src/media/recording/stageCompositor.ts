import { breakoutBox, type BreakoutBox } from '../breakoutBox';
import { startTicker } from '../ticker';
import { drawStage, readStageLayout } from './stageLayout';
import type { StageMessage, StageWorkerMessage } from './stageMessages';

export interface Compositor {
  track: MediaStreamTrack;
  /** Settles when the track carries pictures (or after a bound): record from then on, not before. */
  drawing: Promise<void>;
  stop(): void;
}

export interface CompositorOptions {
  width?: number;
  height?: number;
  fps?: number;
  /** The compositor stopped working (the recording should end with what it has). */
  onError?(error: Error): void;
  /** Every few seconds where the worker draws: frames so far and the median worker time per frame. */
  onStats?(stats: { frames: number; drawMs: number }): void;
}

/** How often the page's layout is read again: tiles that move or appear show this late at most. */
const LAYOUT_EVERY_MS = 250;
/** A stopping worker gets this long to close its frames and the recorded track. */
const STOP_GRACE_MS = 1_000;
/**
 * A worker starting on a busy machine took 2 s to draw its first picture; a recording started
 * before it begins with that much missing video. Past this bound it starts anyway.
 */
const FIRST_PICTURE_TIMEOUT_MS = 5_000;

/**
 * Draws the meeting's stage into one video, as laid out on screen (see stageLayout.ts). In
 * Chromium (the desktop app, most guests) a worker draws it from the tracks' own frames; other
 * browsers draw on the page from the video elements.
 */
export function compositeStage(stage: () => HTMLElement | null, options: CompositorOptions = {}): Compositor {
  const box = breakoutBox();
  return box ? workerCompositor(box, stage, options) : pageCompositor(stage, options);
}

function workerCompositor(box: BreakoutBox, stage: () => HTMLElement | null, options: CompositorOptions): Compositor {
  const { width = 1280, height = 720, fps = 15 } = options;
  const generator = new box.MediaStreamTrackGenerator({ kind: 'video' });
  const worker = new Worker(new URL('./stage.worker.ts', import.meta.url), { type: 'module', name: 'recording compositor' });
  const post = (message: StageMessage, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
  let failed = false;
  let onDrawing: () => void = () => undefined;
  const drawing = new Promise<void>((resolve) => {
    onDrawing = resolve;
    setTimeout(resolve, FIRST_PICTURE_TIMEOUT_MS);
  });
  const fail = (message: string) => {
    onDrawing();
    if (failed) return;
    failed = true;
    options.onError?.(new Error(message));
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(event.message || 'the recording compositor stopped');
  };
  worker.onmessage = ({ data }: MessageEvent<StageWorkerMessage>) => {
    if (data.type === 'failed') fail(data.message);
    else if (data.type === 'stats') options.onStats?.(data);
    else if (data.type === 'drawing') onDrawing();
    else worker.terminate();
  };
  post({ type: 'start', output: generator.writable, fps }, [generator.writable]);

  const given = new Set<string>();
  const update = () => {
    const { layout, sources } = readStageLayout(stage(), width, height);
    for (const [id, { track }] of sources) {
      if (given.has(id)) continue;
      given.add(id);
      const { readable } = new box.MediaStreamTrackProcessor({ track, maxBufferSize: 1 });
      post({ type: 'source', id, frames: readable }, [readable]);
    }
    for (const id of given) {
      if (sources.has(id)) continue;
      given.delete(id);
      post({ type: 'drop', id });
    }
    post({ type: 'layout', layout });
  };
  update();
  const stopTicker = startTicker(LAYOUT_EVERY_MS, update);
  return {
    track: generator,
    drawing,
    stop() {
      stopTicker();
      post({ type: 'stop' });
      setTimeout(() => worker.terminate(), STOP_GRACE_MS);
      generator.stop();
    },
  };
}

function pageCompositor(stage: () => HTMLElement | null, options: CompositorOptions): Compositor {
  const { width = 1280, height = 720, fps = 15 } = options;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('This browser cannot draw the recording (no 2D canvas).');
  // Frames are captured when drawn (requestFrame), never on a timer of their own: on a slow
  // machine the recording gets fewer frames instead of the page spending its time copying them.
  const track = canvas.captureStream(0).getVideoTracks()[0] as CanvasCaptureMediaStreamTrack | undefined;
  if (!track) throw new Error('This browser cannot record a canvas.');
  const draw = () => {
    const { layout, sources } = readStageLayout(stage(), width, height);
    drawStage(context, layout, (id) => {
      const video = sources.get(id)?.video;
      return video ? { source: video, width: video.videoWidth, height: video.videoHeight } : undefined;
    });
    track.requestFrame();
  };
  draw();
  const stopTicker = startTicker(1000 / fps, draw);
  return {
    track,
    drawing: Promise.resolve(),
    stop() {
      stopTicker();
      track.stop();
    },
  };
}
