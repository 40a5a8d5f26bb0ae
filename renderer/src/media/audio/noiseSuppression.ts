import rnnoiseWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise.wasm?url';
import rnnoiseSimdWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm?url';
import rnnoiseWorkletUrl from '@sapphi-red/web-noise-suppressor/rnnoiseWorklet.js?url';
import { processedTrack } from '../processedTrack';

/** The wasm (served by the app itself, never a CDN) is fetched once per page. */
let wasm: Promise<ArrayBuffer> | undefined;

/** Imported on first use: the package defines its nodes as subclasses of AudioWorkletNode, which not every page has. */
const rnnoise = () => import('@sapphi-red/web-noise-suppressor');

function loadWasm(): Promise<ArrayBuffer> {
  wasm ??= rnnoise().then(({ loadRnnoise }) => loadRnnoise({ url: rnnoiseWasmUrl, simdUrl: rnnoiseSimdWasmUrl })).catch((error: unknown) => {
    wasm = undefined;
    throw error;
  });
  return wasm;
}

/**
 * The microphone through RNNoise in an AudioWorklet. RNNoise works on 48 kHz frames, so the
 * graph runs at 48 kHz (WebAudio resamples the device if needed). Stopping the returned track
 * stops the microphone and the graph.
 */
export async function suppressNoise(microphone: MediaStreamTrack): Promise<MediaStreamTrack> {
  const context = new AudioContext({ sampleRate: 48_000 });
  try {
    if (!context.audioWorklet) throw new Error('this page cannot run audio worklets (a secure https:// page is needed)');
    const [wasmBinary] = await Promise.all([loadWasm(), context.audioWorklet.addModule(rnnoiseWorkletUrl)]);
    const { RnnoiseWorkletNode } = await rnnoise();
    const source = context.createMediaStreamSource(new MediaStream([microphone]));
    const node = new RnnoiseWorkletNode(context, { maxChannels: 1, wasmBinary });
    const destination = context.createMediaStreamDestination();
    destination.channelCount = 1;
    source.connect(node).connect(destination);
    // Not awaited: a context the page may not start yet (no user gesture) starts with the first one.
    void context.resume().catch(() => undefined);
    const [output] = destination.stream.getAudioTracks();
    if (!output) throw new Error('no audio output');
    return processedTrack(output, microphone, () => {
      source.disconnect();
      node.destroy();
      void context.close().catch(() => undefined);
    });
  } catch (error) {
    void context.close().catch(() => undefined);
    throw error;
  }
}
