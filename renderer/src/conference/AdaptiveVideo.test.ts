import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { adaptVideo, type AdaptiveTarget } from './AdaptiveVideo';

/** jsdom has no layout: these observers are driven by the test, as the browser's would be by layout. */
type Callback = (entries: { contentRect?: { height: number }; isIntersecting?: boolean }[]) => void;
const observers: { kind: 'resize' | 'intersection'; callback: Callback }[] = [];
class FakeResizeObserver {
  readonly #callback: Callback;
  constructor(callback: Callback) {
    this.#callback = callback;
    observers.push({ kind: 'resize', callback });
  }
  /** Like the browser's, the first observation comes after layout: here, on the next microtask. */
  observe(target: HTMLElement) {
    queueMicrotask(() => this.#callback([{ contentRect: { height: target.getBoundingClientRect().height } }]));
  }
  disconnect() {}
}
class FakeIntersectionObserver {
  constructor(callback: Callback) {
    observers.push({ kind: 'intersection', callback });
  }
  observe() {}
  disconnect() {}
}
const fire = (kind: 'resize' | 'intersection', entry: Parameters<Callback>[0][number]) => {
  for (const observer of observers) if (observer.kind === kind) observer.callback([entry]);
};

/** A host that fails the next `failures` requests, then acknowledges; records what it acknowledged. */
function flakyHost(failures: number): AdaptiveTarget & { acked: string[]; calls: number } {
  let remaining = failures;
  const host = {
    acked: [] as string[],
    calls: 0,
    async setConsumerPaused(_id: string, paused: boolean) {
      host.calls++;
      if (remaining-- > 0) throw new Error('network blip');
      host.acked.push(paused ? 'pause' : 'resume');
    },
    async setPreferredLayers(_id: string, layer: number) {
      host.calls++;
      if (remaining-- > 0) throw new Error('network blip');
      host.acked.push(`layer ${layer}`);
    },
  };
  return host;
}

describe('adaptive receive follows acknowledged requests (issue 10, item 4)', () => {
  let element: HTMLElement;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('ResizeObserver', FakeResizeObserver);
    vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
    observers.length = 0;
    element = document.createElement('div');
    element.getBoundingClientRect = () => ({ height: 360 }) as DOMRect;
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('a resume that fails is retried until the host acknowledges it: the tile does not stay black', async () => {
    const host = flakyHost(0);
    const stop = adaptVideo(host, 'c1', element);
    await vi.advanceTimersByTimeAsync(300);
    expect(host.acked).toEqual(['layer 1']);

    fire('intersection', { isIntersecting: false });
    await vi.advanceTimersByTimeAsync(300);
    expect(host.acked.at(-1)).toBe('pause');

    const failing = flakyHost(2);
    failing.acked.push(...host.acked);
    Object.assign(host, { setConsumerPaused: failing.setConsumerPaused, setPreferredLayers: failing.setPreferredLayers });
    fire('intersection', { isIntersecting: true });
    await vi.advanceTimersByTimeAsync(300); // first resume fails
    expect(failing.acked.at(-1)).toBe('pause');
    await vi.advanceTimersByTimeAsync(5_000); // retries with backoff
    expect(failing.acked.at(-1)).toBe('resume');
    stop();
  });

  it('a layer request that fails is sent again, and nothing repeats once acknowledged', async () => {
    const host = flakyHost(1);
    const stop = adaptVideo(host, 'c2', element);
    await vi.advanceTimersByTimeAsync(300);
    expect(host.acked).toEqual([]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(host.acked).toEqual(['layer 1']);
    const calls = host.calls;
    fire('resize', { contentRect: { height: 360 } }); // same size: nothing to ask
    await vi.advanceTimersByTimeAsync(5_000);
    expect(host.calls).toBe(calls);
    fire('resize', { contentRect: { height: 720 } });
    await vi.advanceTimersByTimeAsync(300);
    expect(host.acked).toEqual(['layer 1', 'layer 2']);
    stop();
  });

  it('gives up after a bounded number of retries', async () => {
    const host = flakyHost(1_000);
    const stop = adaptVideo(host, 'c3', element);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(host.calls).toBeLessThanOrEqual(8);
    expect(host.acked).toEqual([]);
    stop();
  });
});
