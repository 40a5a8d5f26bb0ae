/**
 * A clock that keeps ticking when the meeting window is in the background: timers in a page
 * are throttled to once a second (or less) when hidden, timers in a worker are not.
 * One tick at a time: the next is scheduled only after the page says it handled the last one,
 * and never sooner than that handling took, so a slow machine gets fewer ticks rather than a
 * page too busy to answer its user.
 */
const scope = self as unknown as { onmessage: ((event: MessageEvent<{ interval?: number; busyMs?: number; stop?: true }>) => void) | null; postMessage(message: unknown): void };
let interval = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let lastTick = 0;

function schedule(busyMs = 0): void {
  clearTimeout(timer);
  if (interval <= 0) return;
  const wait = Math.max(busyMs, lastTick + interval - performance.now());
  timer = setTimeout(() => {
    lastTick = performance.now();
    scope.postMessage('tick');
  }, wait);
}

scope.onmessage = ({ data }) => {
  if (data.stop) {
    interval = 0;
    clearTimeout(timer);
    return;
  }
  if (data.interval !== undefined) interval = data.interval;
  schedule(data.busyMs);
};
