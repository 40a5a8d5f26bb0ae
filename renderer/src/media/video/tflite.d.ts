/** The Emscripten build of TensorFlow Lite in `@twilio/video-processors` (see personSegmenter.ts). */
declare module '@twilio/video-processors/dist/build/tflite-simd-1-0-0.js' {
  export interface TFLiteModule {
    HEAPU8: Uint8Array;
    HEAPF32: Float32Array;
    _getModelBufferMemoryOffset(): number;
    _loadModel(bytes: number): number;
    _getInputMemoryOffset(): number;
    _getInputWidth(): number;
    _getInputHeight(): number;
    _getInputChannelCount(): number;
    _getOutputMemoryOffset(): number;
    _getOutputWidth(): number;
    _getOutputHeight(): number;
    _getOutputChannelCount(): number;
    _runInference(): number;
  }
  const createModule: (options: { locateFile(file: string): string }) => Promise<TFLiteModule>;
  export default createModule;
}
