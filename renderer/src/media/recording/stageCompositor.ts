import { startTicker } from '../ticker';

export interface Compositor {
  track: MediaStreamTrack;
  stop(): void;
}

const BACKGROUND = '#202124';
const TILE = '#2d2f35';

/** The parts of the meeting view that make up "what the meeting looks like". */
const TILE_SELECTOR = '.tile, .screen-share';

/**
 * Draws the meeting's stage into one video, as laid out on screen right now (grid, speaker or
 * presentation): every tile at its place, its video (or its name when the camera is off).
 * Mirroring the page keeps the recording in step with whatever layout is active.
 */
export function compositeStage(stage: () => HTMLElement | null, options: { width?: number; height?: number; fps?: number } = {}): Compositor {
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const fps = options.fps ?? 15;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw the recording (no 2D canvas).');
  // Frames are captured when drawn (requestFrame), never on a timer of their own: on a slow
  // machine the recording gets fewer frames instead of the page spending its time copying them.
  const track = canvas.captureStream(0).getVideoTracks()[0] as CanvasCaptureMediaStreamTrack | undefined;
  if (!track) throw new Error('This browser cannot record a canvas.');
  const draw = () => {
    drawStage(context, stage(), width, height);
    track.requestFrame();
  };
  draw();
  const stopTicker = startTicker(1000 / fps, draw);
  return {
    track,
    stop() {
      stopTicker();
      track.stop();
    },
  };
}

function drawStage(context: CanvasRenderingContext2D, root: HTMLElement | null, width: number, height: number): void {
  context.fillStyle = BACKGROUND;
  context.fillRect(0, 0, width, height);
  if (!root) return;
  const area = root.getBoundingClientRect();
  if (area.width === 0 || area.height === 0) return;
  // Letterbox the stage into the frame, keeping its proportions.
  const scale = Math.min(width / area.width, height / area.height);
  const offsetX = (width - area.width * scale) / 2;
  const offsetY = (height - area.height * scale) / 2;
  for (const tile of root.querySelectorAll<HTMLElement>(TILE_SELECTOR)) {
    const rect = tile.getBoundingClientRect();
    const x = offsetX + (rect.left - area.left) * scale;
    const y = offsetY + (rect.top - area.top) * scale;
    const w = rect.width * scale;
    const h = rect.height * scale;
    if (w < 2 || h < 2) continue;
    context.save();
    context.beginPath();
    context.roundRect(x, y, w, h, 8 * scale);
    context.clip();
    context.fillStyle = TILE;
    context.fillRect(x, y, w, h);
    const video = tile.querySelector('video');
    if (video && video.videoWidth > 0) drawVideo(context, video, x, y, w, h);
    else drawName(context, tile, x, y, w, h, scale, true);
    if (video && video.videoWidth > 0) drawName(context, tile, x, y, w, h, scale, false);
    context.restore();
  }
}

function drawVideo(context: CanvasRenderingContext2D, video: HTMLVideoElement, x: number, y: number, w: number, h: number): void {
  const fit = getComputedStyle(video).objectFit === 'contain' ? Math.min : Math.max;
  const scale = fit(w / video.videoWidth, h / video.videoHeight);
  const dw = video.videoWidth * scale;
  const dh = video.videoHeight * scale;
  context.save();
  if (video.classList.contains('mirror')) {
    context.translate(x + w / 2, 0);
    context.scale(-1, 1);
    context.translate(-(x + w / 2), 0);
  }
  context.drawImage(video, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh);
  context.restore();
}

function drawName(context: CanvasRenderingContext2D, tile: HTMLElement, x: number, y: number, w: number, h: number, scale: number, centered: boolean): void {
  const name = tile.querySelector('.tile-label .name, .presenter-label')?.textContent ?? '';
  if (!name) return;
  const size = Math.max(10, Math.round((centered ? 22 : 14) * scale));
  context.font = `${size}px sans-serif`;
  context.textBaseline = 'middle';
  if (centered) {
    context.fillStyle = '#e8eaed';
    context.textAlign = 'center';
    context.fillText(name, x + w / 2, y + h / 2, w - 8);
    return;
  }
  const textWidth = Math.min(context.measureText(name).width, w - 16);
  context.fillStyle = 'rgba(0, 0, 0, 0.55)';
  context.fillRect(x + 6, y + h - size - 14, textWidth + 12, size + 8);
  context.fillStyle = '#fff';
  context.textAlign = 'left';
  context.fillText(name, x + 12, y + h - size / 2 - 10, w - 16);
}
