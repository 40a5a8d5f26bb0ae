/** Output sizes tried in turn, as a share of the camera's size, when a frame takes too long. */
export const OUTPUT_SCALES = [1, 0.75, 0.5] as const;
/** Frames judged together (after the warm-up). */
const WINDOW_FRAMES = 20;
/** The first frames include the model's start and a cold canvas: not judged. */
const WARMUP_FRAMES = 10;
/** Below this width the picture is worse than no effect: never scaled further. */
const MIN_WIDTH = 320;

/**
 * Picks the size the background effect draws at. Compositing costs per pixel, so a camera at
 * 1280×720 on a machine without a GPU may take longer per frame than the camera's frame interval;
 * drawing at 960×540 (or 640×360) keeps the effect at a usable frame rate where turning it off
 * would be the only other choice. The encoder sends what it gets; simulcast layers adapt.
 */
export class OutputScaler {
  #index = 0;
  #seen = 0;
  readonly #times: number[] = [];

  /** `budgetMs`: the worker time per frame above which the next smaller size is tried. */
  constructor(private readonly budgetMs: number) {}

  get scale(): number {
    return OUTPUT_SCALES[this.#index]!;
  }

  /** The output size for a camera frame of `width`×`height` (even numbers: what encoders want). */
  size(width: number, height: number): { width: number; height: number } {
    const even = (n: number) => Math.max(2, 2 * Math.round((n * this.scale) / 2));
    return { width: even(width), height: even(height) };
  }

  /** Records one frame's worker time; answers whether the output size changed. */
  record(totalMs: number, cameraWidth: number): boolean {
    if (++this.#seen <= WARMUP_FRAMES) return false;
    this.#times.push(totalMs);
    if (this.#times.length < WINDOW_FRAMES) return false;
    const sorted = this.#times.splice(0).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const next = OUTPUT_SCALES[this.#index + 1];
    if (median <= this.budgetMs || next === undefined || cameraWidth * next < MIN_WIDTH) return false;
    this.#index++;
    this.#seen = WARMUP_FRAMES - 3; // a few frames for the new canvases to warm up
    return true;
  }
}
