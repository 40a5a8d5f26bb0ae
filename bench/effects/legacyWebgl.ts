/**
 * The comparison point for the background worker: MediaPipe's legacy selfie segmentation
 * solution (`@mediapipe/selfie_segmentation`, landscape model), whose graph runs the model and its
 * image conversions on WebGL, on the page's main thread. Times `send()` per frame (segmentation
 * and the solution's own GPU drawing; no compositing) on the camera for `seconds`, after the first.
 */
import type { SelfieSegmentation } from '@mediapipe/selfie_segmentation';
import { loadSelfieSegmentation, locateFile } from './legacyMediapipeAssets';

export async function timeLegacyWebgl(camera: MediaStreamTrack, seconds: number): Promise<{ frames: number[]; renderer: string }> {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = new MediaStream([camera]);
  await video.play();
  const Segmenter = await loadSelfieSegmentation();
  const segmenter: SelfieSegmentation = new Segmenter({ locateFile });
  segmenter.setOptions({ modelSelection: 1 });
  segmenter.onResults(() => undefined);
  await segmenter.initialize();
  const frames: number[] = [];
  try {
    // The first frame builds the graph on the GPU: not timed.
    await segmenter.send({ image: video });
    const started = performance.now();
    const end = started + seconds * 1000;
    // At least 3 frames on a machine where one takes seconds, within 6× the time asked for.
    while ((performance.now() < end || frames.length < 3) && performance.now() < started + 6 * seconds * 1000) {
      const started = performance.now();
      await segmenter.send({ image: video });
      frames.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    await segmenter.close();
    video.srcObject = null;
  }
  return { frames, renderer: webglRenderer() };
}

/** Which WebGL the browser gives this page (SwiftShader = software). */
function webglRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL2';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}
