/** Decides how long to wait before reconnect attempt `attempt` (0-based); null gives up. */
export interface ReconnectPolicy {
  nextRetryDelayMs(context: { attempt: number; elapsedMs: number }): number | null;
}

/** Exponential backoff with jitter, capped; gives up after `maxElapsedMs`. */
export class BackoffReconnectPolicy implements ReconnectPolicy {
  constructor(
    private readonly options: { initialDelayMs?: number; maxDelayMs?: number; maxElapsedMs?: number } = {},
  ) {}

  nextRetryDelayMs({ attempt, elapsedMs }: { attempt: number; elapsedMs: number }): number | null {
    const { initialDelayMs = 300, maxDelayMs = 5_000, maxElapsedMs = 120_000 } = this.options;
    if (elapsedMs > maxElapsedMs) return null;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
