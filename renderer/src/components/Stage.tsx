import type { ReactNode } from 'react';
import { Filmstrip, VideoGrid } from './VideoGrid';

export type Layout = 'grid' | 'speaker';

export interface StageTile {
  id: string;
  element: ReactNode;
}

interface StageProps {
  layout: Layout;
  tiles: StageTile[];
  /** The tile shown large in the speaker layout. */
  featuredId?: string;
  /** A shared screen: when present it takes the stage and the tiles move to the filmstrip. */
  presentation?: ReactNode;
}

/** Arranges the tiles: grid, speaker (one large + filmstrip), or presentation (screen + filmstrip). */
export function Stage({ layout, tiles, featuredId, presentation }: StageProps) {
  if (presentation) {
    return (
      <div className="stage stage-presentation" data-layout="presentation">
        {presentation}
        <Filmstrip>{tiles.map((t) => t.element)}</Filmstrip>
      </div>
    );
  }
  const featured = layout === 'speaker' && tiles.length > 1 ? tiles.find((t) => t.id === featuredId) ?? tiles[0] : undefined;
  if (featured) {
    return (
      <div className="stage stage-speaker" data-layout="speaker">
        <section className="featured" aria-label="Speaker">
          {featured.element}
        </section>
        <Filmstrip>{tiles.filter((t) => t !== featured).map((t) => t.element)}</Filmstrip>
      </div>
    );
  }
  return (
    <div className="stage stage-grid" data-layout="grid">
      <VideoGrid count={tiles.length}>{tiles.map((t) => t.element)}</VideoGrid>
    </div>
  );
}
