import createTFLite, { type TFLiteModule } from '@twilio/video-processors/dist/build/tflite-simd-1-0-0.js';
import type { SegmentationAssets } from './segmentationAssets';

/** The model's input: the landscape selfie model takes 256×144 RGB. */
export const MODEL_WIDTH = 256;
export const MODEL_HEIGHT = 144;

/**
 * MediaPipe's selfie segmentation (landscape model) run by TensorFlow Lite + XNNPACK on wasm SIMD,
 * in whatever thread creates it (the background worker). CPU only: measured on this project's
 * machines, it is far faster than MediaPipe's WebGL graph without a GPU (docs/BENCHMARKS.md).
 */
export class PersonSegmenter {
  private readonly mask = new Float32Array(MODEL_WIDTH * MODEL_HEIGHT);

  private constructor(private readonly tflite: TFLiteModule) {}

  static async create(assets: SegmentationAssets): Promise<PersonSegmenter> {
    const [tflite, model] = await Promise.all([
      createTFLite({ locateFile: () => assets.wasmPath }),
      fetch(assets.modelPath).then((response) => {
        if (!response.ok) throw new Error(`the segmentation model could not be loaded (HTTP ${response.status})`);
        return response.arrayBuffer();
      }),
    ]);
    tflite.HEAPU8.set(new Uint8Array(model), tflite._getModelBufferMemoryOffset());
    if (tflite._loadModel(model.byteLength) !== 0) throw new Error('the segmentation model could not be read');
    const shape = [tflite._getInputWidth(), tflite._getInputHeight(), tflite._getInputChannelCount(), tflite._getOutputWidth(), tflite._getOutputHeight(), tflite._getOutputChannelCount()];
    if (shape.join() !== [MODEL_WIDTH, MODEL_HEIGHT, 3, MODEL_WIDTH, MODEL_HEIGHT, 1].join()) throw new Error(`unexpected segmentation model shape ${shape.join('×')}`);
    return new PersonSegmenter(tflite);
  }

  /**
   * How much each pixel of `rgba` (256×144, as from getImageData) is the person, 0…1, row by row.
   * The returned array is reused by the next call.
   */
  segment(rgba: Uint8ClampedArray): Float32Array {
    const heap = this.tflite.HEAPF32;
    const input = this.tflite._getInputMemoryOffset() / 4;
    const pixels = MODEL_WIDTH * MODEL_HEIGHT;
    for (let i = 0; i < pixels; i++) {
      heap[input + i * 3] = rgba[i * 4]! / 255;
      heap[input + i * 3 + 1] = rgba[i * 4 + 1]! / 255;
      heap[input + i * 3 + 2] = rgba[i * 4 + 2]! / 255;
    }
    this.tflite._runInference();
    const output = this.tflite._getOutputMemoryOffset() / 4;
    this.mask.set(this.tflite.HEAPF32.subarray(output, output + pixels));
    return this.mask;
  }
}
