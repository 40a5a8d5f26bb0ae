/**
 * MediaPipe selfie segmentation, from the npm package's own files (model, wasm, loader) served
 * by the app itself: nothing is fetched from a CDN or a model hub. `no-inline` keeps the tiny
 * files (graph, empty data file) as files: the loader fetches them, and the page's CSP does not
 * allow fetching data: URLs.
 */
import binarypb from '@mediapipe/selfie_segmentation/selfie_segmentation.binarypb?url&no-inline';
import scriptUrl from '@mediapipe/selfie_segmentation/selfie_segmentation.js?url&no-inline';
import model from '@mediapipe/selfie_segmentation/selfie_segmentation.tflite?url&no-inline';
import landscapeModel from '@mediapipe/selfie_segmentation/selfie_segmentation_landscape.tflite?url&no-inline';
import simdData from '@mediapipe/selfie_segmentation/selfie_segmentation_solution_simd_wasm_bin.data?url&no-inline';
import simdLoader from '@mediapipe/selfie_segmentation/selfie_segmentation_solution_simd_wasm_bin.js?url&no-inline';
import simdWasm from '@mediapipe/selfie_segmentation/selfie_segmentation_solution_simd_wasm_bin.wasm?url&no-inline';
import loader from '@mediapipe/selfie_segmentation/selfie_segmentation_solution_wasm_bin.js?url&no-inline';
import wasm from '@mediapipe/selfie_segmentation/selfie_segmentation_solution_wasm_bin.wasm?url&no-inline';
import type { SelfieSegmentation } from '@mediapipe/selfie_segmentation';

const files: Record<string, string> = {
  'selfie_segmentation.binarypb': binarypb,
  'selfie_segmentation.tflite': model,
  'selfie_segmentation_landscape.tflite': landscapeModel,
  'selfie_segmentation_solution_simd_wasm_bin.data': simdData,
  'selfie_segmentation_solution_wasm_bin.data': simdData,
  'selfie_segmentation_solution_simd_wasm_bin.js': simdLoader,
  'selfie_segmentation_solution_simd_wasm_bin.wasm': simdWasm,
  'selfie_segmentation_solution_wasm_bin.js': loader,
  'selfie_segmentation_solution_wasm_bin.wasm': wasm,
};

export function locateFile(file: string): string {
  const url = files[file];
  if (!url) throw new Error(`MediaPipe asked for an unknown file: ${file}`);
  return new URL(url, document.baseURI).href;
}

type SelfieSegmentationClass = typeof SelfieSegmentation;
let loaded: Promise<SelfieSegmentationClass> | undefined;

/**
 * The package is a classic script that defines a global (its ES-module interop does not survive
 * bundling), so it is loaded with a <script> tag from the app's own origin.
 */
export function loadSelfieSegmentation(): Promise<SelfieSegmentationClass> {
  loaded ??= new Promise<SelfieSegmentationClass>((resolve, reject) => {
    const global = window as unknown as { SelfieSegmentation?: SelfieSegmentationClass };
    if (global.SelfieSegmentation) return resolve(global.SelfieSegmentation);
    const script = document.createElement('script');
    script.src = scriptUrl;
    script.async = true;
    script.onload = () => (global.SelfieSegmentation ? resolve(global.SelfieSegmentation) : reject(new Error('MediaPipe did not load')));
    script.onerror = () => reject(new Error('MediaPipe could not be loaded'));
    document.head.append(script);
  }).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}
