/** Chromium's breakout-box API (not in TypeScript's DOM types yet). */
export interface BreakoutBox {
  MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrame> };
  MediaStreamTrackGenerator: new (init: { kind: 'video' }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> };
}

/** The page-side breakout box with what a worker needs to draw frames, or undefined (Firefox, Safari). */
export function breakoutBox(): BreakoutBox | undefined {
  const scope = globalThis as unknown as Partial<BreakoutBox>;
  if (!scope.MediaStreamTrackProcessor || !scope.MediaStreamTrackGenerator || typeof OffscreenCanvas === 'undefined' || typeof VideoFrame === 'undefined') return undefined;
  return scope as BreakoutBox;
}
