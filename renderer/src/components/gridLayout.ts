/** Where tiles go in the meeting grid: pure arithmetic, so it is easy to test and reason about. */
export interface GridLayout {
  cols: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  /** True when the tiles do not all fit at the minimum size: the grid scrolls. */
  overflow: boolean;
}

export interface GridOptions {
  gap?: number;
  aspect?: number;
  /** Below this width a tile is not worth shrinking further; the grid scrolls instead. */
  minTileWidth?: number;
}

/**
 * Picks the column count that makes tiles as large as possible inside width × height while
 * keeping their aspect ratio. 1 tile fills the space; 25+ tiles reflow into 5–7 columns; beyond
 * what fits at `minTileWidth` the grid keeps that size and scrolls.
 */
export function gridLayout(count: number, width: number, height: number, options: GridOptions = {}): GridLayout {
  const gap = options.gap ?? 8;
  const aspect = options.aspect ?? 16 / 9;
  const minTileWidth = Math.min(options.minTileWidth ?? 160, Math.max(width, 1));
  const n = Math.max(1, count);
  let best: GridLayout = { cols: 1, rows: n, tileWidth: 0, tileHeight: 0, overflow: false };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const byWidth = (width - gap * (cols - 1)) / cols;
    const byHeight = ((height - gap * (rows - 1)) / rows) * aspect;
    const tileWidth = Math.floor(Math.min(byWidth, byHeight));
    if (tileWidth > best.tileWidth) best = { cols, rows, tileWidth, tileHeight: Math.floor(tileWidth / aspect), overflow: false };
  }
  if (best.tileWidth >= minTileWidth) return best;
  const cols = Math.max(1, Math.min(n, Math.floor((width + gap) / (minTileWidth + gap))));
  const tileWidth = Math.max(1, Math.floor((width - gap * (cols - 1)) / cols));
  return { cols, rows: Math.ceil(n / cols), tileWidth, tileHeight: Math.floor(tileWidth / aspect), overflow: true };
}
