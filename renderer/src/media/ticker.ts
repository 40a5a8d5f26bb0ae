/** Calls `tick` about every `intervalMs`, from a worker clock when possible (see ticker.worker.ts). */
export function startTicker(intervalMs: number, tick: () => void): () => void {
  try {
    const worker = new Worker(new URL('./ticker.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = () => {
      const started = performance.now();
      try {
        tick();
      } finally {
        worker.postMessage({ busyMs: performance.now() - started });
      }
    };
    worker.postMessage({ interval: intervalMs });
    return () => worker.terminate();
  } catch {
    let timer = setTimeout(function again() {
      tick();
      timer = setTimeout(again, intervalMs);
    }, intervalMs);
    return () => clearTimeout(timer);
  }
}
