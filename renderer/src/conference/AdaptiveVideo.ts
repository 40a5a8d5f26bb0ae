/**
 * Adaptive receive, like LiveKit's adaptiveStream: a remote video asks the host for the simulcast
 * layer that fits the size it is rendered at, and stops receiving while it is not visible.
 */
export interface AdaptiveTarget {
  setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void>;
  setConsumerPaused(consumerId: string, paused: boolean): Promise<void>;
}

/** Rendered height (device pixels) each spatial layer is good for: 180p, 360p, 720p. */
const LAYER_HEIGHTS = [180, 360, 720];
const SETTLE_MS = 250;

export function layerForHeight(renderedHeight: number, devicePixelRatio = 1): number {
  const needed = renderedHeight * devicePixelRatio;
  // Allow 25% upscaling before asking for the next layer: the picture stays sharp enough.
  const index = LAYER_HEIGHTS.findIndex((height) => needed <= height * 1.25);
  return index === -1 ? LAYER_HEIGHTS.length - 1 : index;
}

/** After a failed request: wait this long (doubling) and try again, at most MAX_RETRIES times per change. */
const RETRY_MS = 500;
const MAX_RETRIES = 6;

/**
 * Watches one <video> element for one consumer. Decisions are debounced (a resizing window must
 * not flood the host) and only sent when they differ from what the host acknowledged. A failed
 * request changes nothing it believes about the host's state, and is retried with backoff.
 * Call the returned function to stop.
 */
export function adaptVideo(target: AdaptiveTarget, consumerId: string, element: HTMLElement): () => void {
  let visible = true;
  /**
   * From the observer's first callback, which comes after the browser's own layout: reading it
   * here would force a layout of the page while a join is busy adding tiles.
   */
  let height: number | undefined;
  /** What the host has acknowledged (undefined: nothing asked yet). */
  let ackedLayer: number | undefined;
  let ackedPaused = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;
  let failures = 0;
  let stopped = false;

  const schedule = (delay = SETTLE_MS) => {
    if (timer === undefined && !stopped) timer = setTimeout(() => void apply(), delay);
  };
  const apply = async () => {
    timer = undefined;
    if (stopped || height === undefined) return;
    if (inFlight) return schedule();
    inFlight = true;
    try {
      const paused = !visible || height === 0;
      if (paused !== ackedPaused) {
        await target.setConsumerPaused(consumerId, paused);
        ackedPaused = paused;
      }
      if (!paused) {
        const layer = layerForHeight(height, globalThis.devicePixelRatio ?? 1);
        if (layer !== ackedLayer) {
          await target.setPreferredLayers(consumerId, layer);
          ackedLayer = layer;
        }
      }
      failures = 0;
    } catch {
      if (++failures <= MAX_RETRIES) schedule(RETRY_MS * 2 ** (failures - 1));
    } finally {
      inFlight = false;
    }
  };
  const changed = () => {
    failures = 0;
    schedule();
  };

  const resizeObserver = new ResizeObserver((entries) => {
    height = entries.at(-1)?.contentRect.height ?? height ?? 0;
    changed();
  });
  const intersectionObserver = new IntersectionObserver((entries) => {
    visible = entries.at(-1)?.isIntersecting ?? visible;
    changed();
  });
  resizeObserver.observe(element);
  intersectionObserver.observe(element);
  const onVisibility = () => {
    visible = document.visibilityState === 'visible';
    changed();
  };
  document.addEventListener('visibilitychange', onVisibility);
  schedule();

  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    resizeObserver.disconnect();
    intersectionObserver.disconnect();
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
