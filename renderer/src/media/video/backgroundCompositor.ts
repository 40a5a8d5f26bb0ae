import { MODEL_HEIGHT, MODEL_WIDTH } from './personSegmenter';

/** How much smaller the background is drawn before it is scaled back up: the scaling is most of the blur. */
const BLUR_DOWNSCALE = 4;
const BLUR_PX = 4;

type Context = OffscreenCanvasRenderingContext2D;

function context2d(canvas: OffscreenCanvas, willReadFrequently = false): Context {
  const context = canvas.getContext('2d', { willReadFrequently });
  if (!context) throw new Error('no 2D canvas in this worker');
  // Bilinear: enough for the soft edges of a mask and for a background that is blurred anyway.
  context.imageSmoothingQuality = 'low';
  return context;
}

/**
 * Draws a camera frame with its background blurred or replaced, on 2D canvases (which Chromium
 * draws on the GPU when there is one, on the CPU otherwise). The person is the frame cut out by
 * the segmentation mask, scaled up from 256×144 (soft edges); the blur is the frame drawn at a
 * quarter size with a small blur filter, scaled back up.
 */
export class BackgroundCompositor {
  readonly output: OffscreenCanvas;
  private readonly out: Context;
  /** The camera frame as RGB, converted from the camera's YUV once per frame. */
  private readonly frame: OffscreenCanvas;
  private readonly frameContext: Context;
  /** The frame at the model's size, for the segmenter (read back every frame: kept in CPU memory). */
  private readonly modelInput = new OffscreenCanvas(MODEL_WIDTH, MODEL_HEIGHT);
  private readonly inputContext: Context;
  private readonly mask = new OffscreenCanvas(MODEL_WIDTH, MODEL_HEIGHT);
  private readonly maskContext: Context;
  private readonly maskPixels = new ImageData(MODEL_WIDTH, MODEL_HEIGHT);
  private readonly small: OffscreenCanvas;
  private readonly smallContext: Context;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly picture?: ImageBitmap,
  ) {
    this.output = new OffscreenCanvas(width, height);
    this.out = context2d(this.output);
    this.frame = new OffscreenCanvas(width, height);
    this.frameContext = context2d(this.frame);
    this.inputContext = context2d(this.modelInput, true);
    this.maskContext = context2d(this.mask);
    this.small = new OffscreenCanvas(Math.max(1, Math.round(width / BLUR_DOWNSCALE)), Math.max(1, Math.round(height / BLUR_DOWNSCALE)));
    this.smallContext = context2d(this.small);
    this.smallContext.filter = `blur(${BLUR_PX}px)`;
  }

  /** Takes in the camera's frame; answers a function that gives it at the model's size, as RGBA pixels. */
  load(frame: CanvasImageSource): () => Uint8ClampedArray {
    this.frameContext.drawImage(frame, 0, 0, this.width, this.height);
    return () => {
      this.inputContext.drawImage(this.frame, 0, 0, MODEL_WIDTH, MODEL_HEIGHT);
      return this.inputContext.getImageData(0, 0, MODEL_WIDTH, MODEL_HEIGHT).data;
    };
  }

  /** Composes the loaded frame with the person given by `confidence` (256×144, 0…1) into `output`. */
  compose(confidence: Float32Array): OffscreenCanvas {
    const { width, height } = this;
    const alpha = this.maskPixels.data;
    for (let i = 0; i < confidence.length; i++) {
      // A little contrast: unsure pixels at the edge go one way or the other faster.
      const value = (confidence[i]! - 0.25) * 2;
      alpha[i * 4 + 3] = value <= 0 ? 0 : value >= 1 ? 255 : value * 255;
    }
    this.maskContext.putImageData(this.maskPixels, 0, 0);

    const out = this.out;
    // The person: the mask's alpha, then the frame only where the mask is…
    out.globalCompositeOperation = 'copy';
    out.drawImage(this.mask, 0, 0, width, height);
    out.globalCompositeOperation = 'source-in';
    out.drawImage(this.frame, 0, 0);
    // …then, behind the person, the picture (cover-fitted) or the blurred frame.
    out.globalCompositeOperation = 'destination-over';
    if (this.picture) {
      const scale = Math.max(width / this.picture.width, height / this.picture.height);
      const w = this.picture.width * scale;
      const h = this.picture.height * scale;
      out.drawImage(this.picture, (width - w) / 2, (height - h) / 2, w, h);
    } else {
      // Drawn a little larger than the canvas: the blur then has frame (not transparency) at its edges.
      const margin = BLUR_PX * 2;
      this.smallContext.globalCompositeOperation = 'copy';
      this.smallContext.drawImage(this.frame, -margin, -margin, this.small.width + 2 * margin, this.small.height + 2 * margin);
      out.drawImage(this.small, 0, 0, width, height);
    }
    return this.output;
  }
}
