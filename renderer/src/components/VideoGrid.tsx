import { useRef, type CSSProperties, type ReactNode } from 'react';
import { useElementSize } from '../hooks/useElementSize';
import { gridLayout } from './gridLayout';

const GAP = 8;

/** Tiles in a grid sized to the space: one fills it, 25+ reflow into many columns (then scroll). */
export function VideoGrid({ children, count }: { children: ReactNode; count: number }) {
  const ref = useRef<HTMLElement>(null);
  const { width, height } = useElementSize(ref);
  const padding = 2 * GAP;
  const layout = gridLayout(count, Math.max(0, width - padding), Math.max(0, height - padding), { gap: GAP });
  const style = {
    '--cols': layout.cols,
    '--tile-w': `${layout.tileWidth}px`,
    '--tile-h': `${layout.tileHeight}px`,
    '--gap': `${GAP}px`,
  } as CSSProperties;
  return (
    <section ref={ref} className={`grid${layout.overflow ? ' overflow' : ''}`} data-testid="video-grid" data-count={count} data-cols={layout.cols} style={width ? style : undefined} aria-label="Participants">
      {children}
    </section>
  );
}

/** A strip of small tiles beside the presentation or the active speaker. Scrolls when long. */
export function Filmstrip({ children }: { children: ReactNode }) {
  return (
    <section className="filmstrip" data-testid="filmstrip" aria-label="Participants">
      {children}
    </section>
  );
}
