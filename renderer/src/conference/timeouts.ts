/** Settles like `promise`, or rejects with `onTimeout()` after `ms`. The timer never outlives the race. */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Settles like `promise`, or rejects with `onTimeout()` once `ms` of time has passed in which this
 * page or process was running: a wait for an answer must not end because our own event loop was
 * held up (a long synchronous call, a starved machine) while the answer sat unread. The deadline
 * is checked every `tickMs`; a tick that comes late credits one tick, not the time it was late by,
 * and only a tick on time may end the wait, so an answer that arrived meanwhile is read first.
 * A loop that is never on time again is ended by the caller's own hard bound (e.g. socket.io's).
 */
export function withAwakeTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error, tickMs?: number): Promise<T> {
  let cancel = () => {};
  const deadline = new Promise<never>((_, reject) => {
    cancel = awakeDeadline(ms, () => reject(onTimeout()), tickMs);
  });
  return Promise.race([promise, deadline]).finally(() => cancel());
}

/** Calls `onExpired` once `ms` of running time has passed (see withAwakeTimeout); returns a cancel. */
export function awakeDeadline(ms: number, onExpired: () => void, tickMs = Math.max(10, Math.min(50, ms / 4))): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let awakeMs = 0;
  let last = Date.now();
  const tick = () => {
    const now = Date.now();
    const onTime = now - last <= tickMs * 1.5;
    awakeMs += onTime ? now - last : tickMs;
    last = now;
    if (awakeMs >= ms && onTime) onExpired();
    else timer = setTimeout(tick, tickMs);
  };
  timer = setTimeout(tick, tickMs);
  return () => clearTimeout(timer);
}
