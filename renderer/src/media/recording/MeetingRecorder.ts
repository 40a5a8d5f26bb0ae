import { headerWithDuration, webmHeaderLength } from './webmHeader';

/** Where a recording's bytes go: a file on disk (desktop) or memory, then a download (browser). */
export interface RecordingSink {
  /** Appends one chunk; resolves once it is stored. */
  write(chunk: Uint8Array): Promise<void>;
  /** Replaces the first `replacedBytes` bytes with `header`, closes, and answers where it was saved. */
  finish(header: Uint8Array, replacedBytes: number): Promise<string>;
  /** Closes with what was written, as is (no duration fix). */
  close(): Promise<string>;
}

/**
 * Preferred first; the first one this browser records wins. Measured with `npm run bench:recording`
 * (1280×720 at 15 fps on a busy 2-core machine): OpenH264 took every frame, VP9 91 %, and VP8
 * only 55 %, its file ending 1.4 s early. macOS and Windows encode H.264 in hardware. Matroska
 * players and ffmpeg read H.264 in WebM.
 */
export const RECORDING_MIME_TYPES = ['video/webm;codecs=h264,opus', 'video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'];

export function pickMimeType(isSupported: (type: string) => boolean = (type) => MediaRecorder.isTypeSupported(type)): string | undefined {
  return RECORDING_MIME_TYPES.find((type) => isSupported(type));
}

export interface RecorderOptions {
  /** Stop (and keep what was recorded) at this size. */
  maxBytes: number;
  /** How often MediaRecorder hands over a chunk: at most this much is lost if the app dies. */
  timesliceMs?: number;
  onLimit(): void;
  onError(error: Error): void;
}

/** Header bytes kept in memory while looking for the first Cluster; a header is a few kB. */
const MAX_HEADER_BYTES = 1 << 20;

/**
 * MediaRecorder over a stream, written chunk by chunk to a sink, with the WebM duration fixed
 * at the end (see webmHeader.ts).
 */
export class MeetingRecorder {
  readonly mimeType: string;
  readonly #recorder: MediaRecorder;
  readonly #sink: RecordingSink;
  readonly #options: RecorderOptions;
  #queue: Promise<void> = Promise.resolve();
  #head: Uint8Array = new Uint8Array();
  #headerLength: number | null = null;
  #bytes = 0;
  #startedAt = 0;
  #failed = false;
  #limitReached = false;

  constructor(stream: MediaStream, sink: RecordingSink, options: RecorderOptions) {
    const mimeType = pickMimeType();
    if (!mimeType) throw new Error('This browser cannot record video (no WebM support in MediaRecorder).');
    this.mimeType = mimeType;
    this.#sink = sink;
    this.#options = options;
    this.#recorder = new MediaRecorder(stream, { mimeType, videoBitsPerSecond: 2_500_000, audioBitsPerSecond: 128_000 });
    this.#recorder.addEventListener('dataavailable', (event) => {
      const data = event.data;
      if (data.size > 0) this.#queue = this.#queue.then(() => this.#store(data));
    });
    this.#recorder.addEventListener('error', () => this.#fail(new Error('The recording stopped unexpectedly.')));
  }

  get bytes(): number {
    return this.#bytes;
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#recorder.start(this.#options.timesliceMs ?? 1_000);
  }

  /** Stops, writes the last chunk and the fixed header; answers where the file went. */
  async stop(): Promise<string> {
    const durationMs = performance.now() - this.#startedAt;
    if (this.#recorder.state !== 'inactive') {
      const stopped = new Promise((resolve) => this.#recorder.addEventListener('stop', resolve, { once: true }));
      this.#recorder.stop();
      await stopped;
    }
    await this.#queue;
    if (this.#headerLength === null) return this.#sink.close();
    let header: Uint8Array;
    try {
      header = await headerWithDuration(this.#head.subarray(0, this.#headerLength), durationMs);
    } catch {
      return this.#sink.close();
    }
    return this.#sink.finish(header, this.#headerLength);
  }

  async #store(data: Blob): Promise<void> {
    if (this.#failed) return;
    const chunk = new Uint8Array(await data.arrayBuffer());
    if (this.#headerLength === null && this.#head.length < MAX_HEADER_BYTES) {
      const head = new Uint8Array(this.#head.length + chunk.length);
      head.set(this.#head);
      head.set(chunk, this.#head.length);
      this.#head = head;
      this.#headerLength = webmHeaderLength(head);
    }
    try {
      await this.#sink.write(chunk);
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.#bytes += chunk.length;
    if (this.#bytes >= this.#options.maxBytes && !this.#limitReached) {
      this.#limitReached = true;
      this.#options.onLimit();
    }
  }

  #fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    if (this.#recorder.state !== 'inactive') this.#recorder.stop();
    this.#options.onError(error);
  }
}
