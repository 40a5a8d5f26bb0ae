import { describe, expect, it } from 'vitest';
import { gridLayout } from './gridLayout';

describe('gridLayout', () => {
  it('gives one tile the whole space (limited by the aspect ratio)', () => {
    const layout = gridLayout(1, 1280, 600);
    expect(layout).toMatchObject({ cols: 1, rows: 1, overflow: false });
    expect(layout.tileHeight).toBeLessThanOrEqual(600);
    expect(layout.tileHeight).toBeGreaterThan(590);
  });

  it('reflows as people join: 2 side by side, 4 in a square, 25+ in many columns', () => {
    expect(gridLayout(2, 1280, 600).cols).toBe(2);
    expect(gridLayout(4, 1280, 720)).toMatchObject({ cols: 2, rows: 2 });
    const many = gridLayout(25, 1280, 640);
    expect(many.cols).toBeGreaterThanOrEqual(5);
    expect(many.cols * many.rows).toBeGreaterThanOrEqual(25);
    expect(many.overflow).toBe(false);
    // Every tile fits inside the space.
    expect(many.cols * many.tileWidth + (many.cols - 1) * 8).toBeLessThanOrEqual(1280);
    expect(many.rows * many.tileHeight + (many.rows - 1) * 8).toBeLessThanOrEqual(640);
  });

  it('in a narrow window uses a single column', () => {
    expect(gridLayout(3, 360, 800).cols).toBe(1);
  });

  it('stops shrinking at the minimum size and scrolls instead', () => {
    const layout = gridLayout(50, 800, 400);
    expect(layout.overflow).toBe(true);
    expect(layout.tileWidth).toBeGreaterThanOrEqual(160);
    expect(layout.cols * layout.rows).toBeGreaterThanOrEqual(50);
  });
});
