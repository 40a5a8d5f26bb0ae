/**
 * A small hand-written SVG line chart (no chart library): x axis, a left y axis, an optional right
 * y axis, one polyline with dots per series, a legend. Good enough for docs/.
 */
export interface Series {
  name: string;
  color: string;
  points: [x: number, y: number][];
  axis?: 'left' | 'right';
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  leftLabel: string;
  rightLabel?: string;
  series: Series[];
  width?: number;
  height?: number;
  leftMax?: number;
  rightMax?: number;
  /** Vertical dashed lines with a label (e.g. where a limit was reached). */
  markers?: { x: number; label: string }[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

const fmt = (v: number) => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1));

export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 760;
  const baseHeight = options.height ?? 420;
  const m = { top: 62, right: options.rightLabel ? 70 : 24, bottom: 56, left: 66 };
  // The legend goes under the plot, wrapped into rows.
  const legend: { series: Series; label: string; x: number; row: number }[] = [];
  {
    let lx = 0;
    let row = 0;
    for (const series of options.series) {
      const label = `${series.name}${options.rightLabel ? (series.axis === 'right' ? ' (right axis)' : ' (left axis)') : ''}`;
      const w = 36 + label.length * 6.4;
      if (lx > 0 && lx + w > width - m.left - m.right) {
        lx = 0;
        row++;
      }
      legend.push({ series, label, x: lx, row });
      lx += w;
    }
  }
  const legendRows = legend.length ? Math.max(...legend.map((l) => l.row)) + 1 : 0;
  const height = baseHeight + legendRows * 18;
  m.bottom += legendRows * 18;
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const all = options.series.flatMap((s) => s.points);
  const xMax = niceMax(Math.max(...all.map(([x]) => x), 1));
  const leftMax = options.leftMax ?? niceMax(Math.max(...options.series.filter((s) => s.axis !== 'right').flatMap((s) => s.points.map(([, y]) => y)), 1));
  const rightMax = options.rightMax ?? niceMax(Math.max(...options.series.filter((s) => s.axis === 'right').flatMap((s) => s.points.map(([, y]) => y)), 1));
  const X = (x: number) => m.left + (x / xMax) * plotW;
  const Y = (y: number, axis: 'left' | 'right' = 'left') => m.top + plotH - (y / (axis === 'right' ? rightMax : leftMax)) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${m.left}" y="22" font-size="15" font-weight="600" fill="#111">${esc(options.title)}</text>`);
  if (options.subtitle) out.push(`<text x="${m.left}" y="40" fill="#555">${esc(options.subtitle)}</text>`);
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const y = m.top + plotH - (i / ticks) * plotH;
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 8}" y="${y + 4}" text-anchor="end" fill="#333">${fmt((leftMax * i) / ticks)}</text>`);
    if (options.rightLabel) out.push(`<text x="${m.left + plotW + 8}" y="${y + 4}" fill="#333">${fmt((rightMax * i) / ticks)}</text>`);
    const x = m.left + (i / ticks) * plotW;
    out.push(`<line x1="${x}" y1="${m.top + plotH}" x2="${x}" y2="${m.top + plotH + 5}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${m.top + plotH + 19}" text-anchor="middle" fill="#333">${fmt((xMax * i) / ticks)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + plotW / 2}" y="${m.top + plotH + 38}" text-anchor="middle" fill="#111">${esc(options.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#111">${esc(options.leftLabel)}</text>`);
  if (options.rightLabel) {
    out.push(`<text transform="translate(${width - 14} ${m.top + plotH / 2}) rotate(90)" text-anchor="middle" fill="#111">${esc(options.rightLabel)}</text>`);
  }
  for (const marker of options.markers ?? []) {
    const x = X(marker.x);
    out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + plotH}" stroke="#9a6700" stroke-dasharray="3 3"/>`);
    out.push(`<text x="${x - 4}" y="${m.top + 16}" text-anchor="end" fill="#9a6700">${esc(marker.label)}</text>`);
  }
  for (const series of options.series) {
    const axis = series.axis ?? 'left';
    const pts = series.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y, axis).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const [x, y] of series.points) out.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y, axis).toFixed(1)}" r="3" fill="${series.color}"/>`);
  }
  for (const { series, label, x, row } of legend) {
    const lx = m.left + x;
    const ly = m.top + plotH + 62 + row * 18;
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${lx + 27}" y="${ly}" fill="#111">${esc(label)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
