/**
 * The background effect's worker: reads the camera's frames, finds the person (MediaPipe selfie
 * segmentation, 256×144 landscape model), draws the frame with its background blurred or
 * replaced, and writes the result to the track the page sends. Nothing of this runs on the page's
 * main thread. When it is busy, the camera's frames wait in a queue of one, so a slow machine
 * sends fewer frames rather than late ones.
 */
import { BackgroundCompositor } from './backgroundCompositor';
import type { StartMessage, WorkerMessage } from './backgroundMessages';
import { OutputScaler } from './outputScaler';
import { PersonSegmenter } from './personSegmenter';

const scope = self as unknown as { onmessage: ((event: MessageEvent<StartMessage>) => void) | null; postMessage(message: WorkerMessage): void };
/** Frames in a row that may fail before the effect gives up. */
const MAX_FAILURES = 5;
/**
 * The person is found at most this often (µs of camera time, ≈ 15 times a second); frames in
 * between reuse the last mask. At 30 fps that halves the model's cost, and a mask one frame old
 * does not show.
 */
const SEGMENT_EVERY_US = 60_000;
/** Worker time per frame above which the effect draws smaller (the page gives up at 85 ms). */
const FRAME_BUDGET_MS = 60;

async function run({ frames, output, assets, picture }: StartMessage): Promise<void> {
  const segmenter = await PersonSegmenter.create(assets);
  scope.postMessage({ type: 'ready' });
  const reader = frames.getReader();
  const writer = output.getWriter();
  let compositor: BackgroundCompositor | undefined;
  let mask: Float32Array | undefined;
  let maskTimestamp = -Infinity;
  let failures = 0;
  const scaler = new OutputScaler(FRAME_BUDGET_MS);
  try {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done) break;
      const started = performance.now();
      let made: VideoFrame | undefined;
      try {
        const { width, height } = scaler.size(frame.displayWidth, frame.displayHeight);
        if (compositor?.width !== width || compositor.height !== height) compositor = new BackgroundCompositor(width, height, picture);
        const modelPixels = compositor.load(frame);
        // Camera timestamps can jump back (a restarted device): then the mask is simply renewed.
        if (!mask || frame.timestamp - maskTimestamp >= SEGMENT_EVERY_US || frame.timestamp < maskTimestamp) {
          mask = segmenter.segment(modelPixels());
          maskTimestamp = frame.timestamp;
        }
        const segmented = performance.now();
        made = new VideoFrame(compositor.compose(mask), { timestamp: frame.timestamp });
        const ended = performance.now();
        failures = 0;
        scope.postMessage({ type: 'frame', segmentMs: segmented - started, composeMs: ended - segmented, totalMs: ended - started, width, height });
        scaler.record(ended - started, frame.displayWidth);
      } catch (error) {
        if (++failures >= MAX_FAILURES) throw error;
      } finally {
        frame.close();
      }
      if (made) await writer.write(made);
    }
    await writer.close();
  } finally {
    reader.releaseLock();
  }
}

scope.onmessage = ({ data }) => {
  if (data.type !== 'start') return;
  run(data).catch((error: unknown) => scope.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
};
