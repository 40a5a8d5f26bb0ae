/**
 * Person segmentation from npm packages' own files, served by the app itself: nothing is fetched
 * from a CDN or a model hub. The model is MediaPipe's 256×144 "landscape" selfie segmentation
 * model from `@mediapipe/selfie_segmentation`; the runtime is TensorFlow Lite with XNNPACK,
 * compiled to wasm SIMD, from `@twilio/video-processors` (BSD-3-Clause; only its wasm build is
 * used). `no-inline` keeps every file a file: the page's CSP does not allow fetching data: URLs.
 */
import landscapeModel from '@mediapipe/selfie_segmentation/selfie_segmentation_landscape.tflite?url&no-inline';
import tfliteSimdWasm from '@twilio/video-processors/dist/build/tflite-simd-1-0-0.wasm?url&no-inline';

export interface SegmentationAssets {
  wasmPath: string;
  modelPath: string;
}

/** Absolute URLs (a worker resolves relative ones against its own script, not the page). */
export function segmentationAssets(base = document.baseURI): SegmentationAssets {
  return { wasmPath: new URL(tfliteSimdWasm, base).href, modelPath: new URL(landscapeModel, base).href };
}
