/** Fixed-window attempt counter per key (client address): enough to make passcode guessing slow. */
export class RateLimiter {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  constructor(
    private readonly maxAttempts: number,
    private readonly windowMs: number,
  ) {}

  /** True when the key has attempts left in the current window. Does not count. */
  allowed(key: string, now = Date.now()): boolean {
    const window = this.#windows.get(key);
    return !window || window.resetAt <= now || window.count < this.maxAttempts;
  }

  /** Records one failed attempt. */
  fail(key: string, now = Date.now()): void {
    const window = this.#windows.get(key);
    if (!window || window.resetAt <= now) this.#windows.set(key, { count: 1, resetAt: now + this.windowMs });
    else window.count++;
    if (this.#windows.size > 10_000) this.#prune(now);
  }

  retryAfterMs(key: string, now = Date.now()): number {
    const window = this.#windows.get(key);
    return window ? Math.max(0, window.resetAt - now) : 0;
  }

  #prune(now: number): void {
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
  }
}
