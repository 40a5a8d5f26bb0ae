import { describe, expect, it } from 'vitest';
import { OutputScaler } from './outputScaler';

const feed = (scaler: OutputScaler, ms: number, frames: number, width = 1280) => {
  let changes = 0;
  for (let i = 0; i < frames; i++) if (scaler.record(ms, width)) changes++;
  return changes;
};

describe('OutputScaler', () => {
  it('keeps the camera size while frames are within budget', () => {
    const scaler = new OutputScaler(60);
    expect(feed(scaler, 40, 200)).toBe(0);
    expect(scaler.size(1280, 720)).toEqual({ width: 1280, height: 720 });
  });

  it('steps down to 960×540, then 640×360, while frames stay too slow, and no further', () => {
    const scaler = new OutputScaler(60);
    expect(feed(scaler, 94, 30)).toBe(1);
    expect(scaler.size(1280, 720)).toEqual({ width: 960, height: 540 });
    expect(feed(scaler, 94, 200)).toBe(1);
    expect(scaler.size(1280, 720)).toEqual({ width: 640, height: 360 });
  });

  it('stays at the size that fits the budget', () => {
    const scaler = new OutputScaler(60);
    feed(scaler, 94, 30);
    expect(feed(scaler, 50, 200)).toBe(0);
    expect(scaler.scale).toBe(0.75);
  });

  it('ignores the warm-up frames and a few slow frames among fast ones (median)', () => {
    const scaler = new OutputScaler(60);
    expect(feed(scaler, 500, 10)).toBe(0);
    for (let i = 0; i < 100; i++) expect(scaler.record(i % 4 === 0 ? 300 : 30, 1280)).toBe(false);
    expect(scaler.scale).toBe(1);
  });

  it('never draws a small camera narrower than 320 pixels', () => {
    const scaler = new OutputScaler(60);
    expect(feed(scaler, 94, 200, 400)).toBe(0);
    expect(scaler.size(400, 224)).toEqual({ width: 400, height: 224 });
  });
});
