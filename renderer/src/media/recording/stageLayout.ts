/** One tile of the recorded picture, in output pixels (plain data: it is posted to a worker). */
export interface StageTile {
  x: number;
  y: number;
  w: number;
  h: number;
  name: string;
  /** The video track the tile shows (its id), when it shows one. */
  trackId?: string;
  mirror: boolean;
  /** Letterboxed (object-fit: contain, e.g. a screen share) rather than cropped to fill. */
  contain: boolean;
}

export interface StageLayout {
  width: number;
  height: number;
  /** Output pixels per page pixel: text and corners scale with the tiles. */
  scale: number;
  tiles: StageTile[];
}

/** The parts of the meeting view that make up "what the meeting looks like". */
const TILE_SELECTOR = '.tile, .screen-share';

/**
 * Reads the meeting's stage as laid out on screen right now (grid, speaker or presentation),
 * letterboxed into a `width`×`height` picture. Answers the layout and its tiles' video sources.
 * Mirroring the page keeps the recording in step with whatever layout is active.
 */
export function readStageLayout(root: HTMLElement | null, width: number, height: number): { layout: StageLayout; sources: Map<string, StageSource> } {
  const layout: StageLayout = { width, height, scale: 1, tiles: [] };
  const sources = new Map<string, StageSource>();
  if (!root) return { layout, sources };
  const area = root.getBoundingClientRect();
  if (area.width === 0 || area.height === 0) return { layout, sources };
  const scale = Math.min(width / area.width, height / area.height);
  const offsetX = (width - area.width * scale) / 2;
  const offsetY = (height - area.height * scale) / 2;
  layout.scale = scale;
  for (const tile of root.querySelectorAll<HTMLElement>(TILE_SELECTOR)) {
    const rect = tile.getBoundingClientRect();
    const w = rect.width * scale;
    const h = rect.height * scale;
    if (w < 2 || h < 2) continue;
    const video = tile.querySelector('video');
    const track = video && video.videoWidth > 0 ? liveVideoTrack(video) : undefined;
    if (video && track) sources.set(track.id, { track, video });
    layout.tiles.push({
      x: offsetX + (rect.left - area.left) * scale,
      y: offsetY + (rect.top - area.top) * scale,
      w,
      h,
      name: tile.querySelector('.tile-label .name, .presenter-label')?.textContent ?? '',
      trackId: track?.id,
      mirror: video?.classList.contains('mirror') ?? false,
      contain: video ? getComputedStyle(video).objectFit === 'contain' : false,
    });
  }
  return { layout, sources };
}

/** Where a tile's picture comes from: its track, and the element that plays it on the page. */
export interface StageSource {
  track: MediaStreamTrack;
  video: HTMLVideoElement;
}

function liveVideoTrack(video: HTMLVideoElement): MediaStreamTrack | undefined {
  const stream = video.srcObject;
  if (!(stream instanceof MediaStream)) return undefined;
  return stream.getVideoTracks().find((track) => track.readyState === 'live');
}

/** A picture to draw: a video element (main thread) or a VideoFrame (worker), with its size. */
export interface Picture {
  source: CanvasImageSource;
  width: number;
  height: number;
}

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

const BACKGROUND = '#202124';
const TILE = '#2d2f35';

/** Draws the layout: every tile at its place, its video (or its name when there is no picture). */
export function drawStage(context: Context2D, layout: StageLayout, pictureOf: (trackId: string) => Picture | undefined): void {
  context.fillStyle = BACKGROUND;
  context.fillRect(0, 0, layout.width, layout.height);
  const { scale } = layout;
  for (const tile of layout.tiles) {
    const picture = tile.trackId ? pictureOf(tile.trackId) : undefined;
    context.save();
    context.beginPath();
    context.roundRect(tile.x, tile.y, tile.w, tile.h, 8 * scale);
    context.clip();
    context.fillStyle = TILE;
    context.fillRect(tile.x, tile.y, tile.w, tile.h);
    if (picture && picture.width > 0) {
      drawPicture(context, tile, picture);
      drawName(context, tile, scale, false);
    } else {
      drawName(context, tile, scale, true);
    }
    context.restore();
  }
}

function drawPicture(context: Context2D, tile: StageTile, picture: Picture): void {
  const fit = tile.contain ? Math.min : Math.max;
  const scale = fit(tile.w / picture.width, tile.h / picture.height);
  const dw = picture.width * scale;
  const dh = picture.height * scale;
  context.save();
  if (tile.mirror) {
    context.translate(tile.x + tile.w / 2, 0);
    context.scale(-1, 1);
    context.translate(-(tile.x + tile.w / 2), 0);
  }
  context.drawImage(picture.source, tile.x + (tile.w - dw) / 2, tile.y + (tile.h - dh) / 2, dw, dh);
  context.restore();
}

function drawName(context: Context2D, tile: StageTile, scale: number, centered: boolean): void {
  const { name, x, y, w, h } = tile;
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
