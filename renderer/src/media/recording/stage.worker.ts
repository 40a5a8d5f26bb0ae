/**
 * The recording's compositor: keeps the newest frame of every video track on the stage (queues
 * of one, older frames closed unseen), draws the page's layout with them a few times a second
 * and writes the pictures to the recorded track. Nothing of this runs on the page's main thread,
 * so recording neither stutters when the page is busy nor makes the page stutter.
 */
import { drawStage, type Picture, type StageLayout } from './stageLayout';
import type { StageMessage, StageWorkerMessage } from './stageMessages';

const scope = self as unknown as { onmessage: ((event: MessageEvent<StageMessage>) => void) | null; postMessage(message: StageWorkerMessage): void };
const STATS_EVERY_FRAMES = 30;

interface Source {
  reader: ReadableStreamDefaultReader<VideoFrame>;
  latest?: VideoFrame;
}

const sources = new Map<string, Source>();
let layout: StageLayout | undefined;
let canvas: OffscreenCanvas | undefined;
let context: OffscreenCanvasRenderingContext2D | undefined;
let writer: WritableStreamDefaultWriter<VideoFrame> | undefined;
let frameIntervalMs = 1000 / 15;
let timer: ReturnType<typeof setTimeout> | undefined;
let stopped = false;
const drawTimes: number[] = [];
let framesDrawn = 0;

function addSource(id: string, frames: ReadableStream<VideoFrame>): void {
  dropSource(id);
  const source: Source = { reader: frames.getReader() };
  sources.set(id, source);
  const pump = async () => {
    for (;;) {
      const { value, done } = await source.reader.read();
      if (done) break;
      if (sources.get(id) !== source) {
        value.close();
        break;
      }
      source.latest?.close();
      source.latest = value;
    }
  };
  // A track that ends keeps its last picture until the next layout drops it (its tile then shows the name).
  pump().catch(() => undefined);
}

function dropSource(id: string): void {
  const source = sources.get(id);
  if (!source) return;
  sources.delete(id);
  source.latest?.close();
  source.latest = undefined;
  source.reader.cancel().catch(() => undefined);
}

function pictureOf(id: string): Picture | undefined {
  const frame = sources.get(id)?.latest;
  return frame ? { source: frame, width: frame.displayWidth, height: frame.displayHeight } : undefined;
}

async function drawOne(): Promise<void> {
  if (!layout || !writer) return;
  if (canvas?.width !== layout.width || canvas.height !== layout.height) {
    canvas = new OffscreenCanvas(layout.width, layout.height);
    // A software canvas: made frames need no read-back from the GPU, which on a busy machine
    // without one (software GL) made the recorder drop most of them.
    context = canvas.getContext('2d', { alpha: false, willReadFrequently: true }) ?? undefined;
    if (!context) throw new Error('this browser cannot draw the recording in a worker');
  }
  const started = performance.now();
  drawStage(context!, layout, pictureOf);
  const frame = new VideoFrame(canvas, { timestamp: Math.round(started * 1000) });
  drawTimes.push(performance.now() - started);
  await writer.write(frame);
  if (++framesDrawn === 1) scope.postMessage({ type: 'drawing' });
  if (framesDrawn % STATS_EVERY_FRAMES === 0) {
    const sorted = drawTimes.splice(0).sort((a, b) => a - b);
    scope.postMessage({ type: 'stats', frames: framesDrawn, drawMs: sorted[Math.floor(sorted.length / 2)]! });
  }
}

/** One frame at a time; the next is due one interval after the last began, or at once if late. */
function schedule(): void {
  if (stopped) return;
  const began = performance.now();
  drawOne().then(
    () => {
      if (!stopped) timer = setTimeout(schedule, Math.max(0, began + frameIntervalMs - performance.now()));
    },
    (error: unknown) => scope.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
}

async function stop(): Promise<void> {
  stopped = true;
  clearTimeout(timer);
  for (const id of [...sources.keys()]) dropSource(id);
  await writer?.close().catch(() => undefined);
  scope.postMessage({ type: 'stopped' });
}

scope.onmessage = ({ data }) => {
  if (data.type === 'start') {
    writer = data.output.getWriter();
    frameIntervalMs = 1000 / data.fps;
    schedule();
  } else if (data.type === 'source') addSource(data.id, data.frames);
  else if (data.type === 'drop') dropSource(data.id);
  else if (data.type === 'layout') layout = data.layout;
  else void stop();
};
