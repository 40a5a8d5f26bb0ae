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

/**
 * Watches one <video> element for one consumer. Decisions are debounced (a resizing window must
 * not flood the host) and only sent when they change. Call the returned function to stop.
 */
export function adaptVideo(target: AdaptiveTarget, consumerId: string, element: HTMLElement): () => void {
  let visible = true;
  let height = element.getBoundingClientRect().height;
  let sentLayer: number | undefined;
  let sentPaused = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const apply = () => {
    timer = undefined;
    if (stopped) return;
    const paused = !visible || height === 0;
    if (paused !== sentPaused) {
      sentPaused = paused;
      void target.setConsumerPaused(consumerId, paused).catch(() => undefined);
    }
    if (paused) return;
    const layer = layerForHeight(height, globalThis.devicePixelRatio ?? 1);
    if (layer !== sentLayer) {
      sentLayer = layer;
      void target.setPreferredLayers(consumerId, layer).catch(() => undefined);
    }
  };
  const schedule = () => {
    if (timer === undefined) timer = setTimeout(apply, SETTLE_MS);
  };

  const resizeObserver = new ResizeObserver((entries) => {
    height = entries.at(-1)?.contentRect.height ?? height;
    schedule();
  });
  const intersectionObserver = new IntersectionObserver((entries) => {
    visible = entries.at(-1)?.isIntersecting ?? visible;
    schedule();
  });
  resizeObserver.observe(element);
  intersectionObserver.observe(element);
  const onVisibility = () => {
    visible = document.visibilityState === 'visible';
    schedule();
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
