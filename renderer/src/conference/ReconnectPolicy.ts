/**
 * Decides how long after the start of the previous reconnect attempt attempt `attempt` (0-based)
 * starts (the first: after the drop); null gives up. A try that took longer starts the next at once.
 */
export interface ReconnectPolicy {
  nextRetryDelayMs(context: { attempt: number; elapsedMs: number }): number | null;
}

/**
 * Exponential backoff with jitter, capped; gives up after `maxElapsedMs`. During the first
 * `fastPhaseMs` the cap is `fastMaxDelayMs`: a LAN host that comes back (its Wi-Fi returned) is
 * found within about a second, and a failed attempt on a LAN costs one TCP SYN.
 */
export class BackoffReconnectPolicy implements ReconnectPolicy {
  constructor(
    private readonly options: { initialDelayMs?: number; maxDelayMs?: number; fastPhaseMs?: number; fastMaxDelayMs?: number; maxElapsedMs?: number } = {},
  ) {}

  nextRetryDelayMs({ attempt, elapsedMs }: { attempt: number; elapsedMs: number }): number | null {
    const { initialDelayMs = 300, maxDelayMs = 5_000, fastPhaseMs = 30_000, fastMaxDelayMs = 1_000, maxElapsedMs = 120_000 } = this.options;
    if (elapsedMs > maxElapsedMs) return null;
    const cap = elapsedMs < fastPhaseMs ? Math.min(fastMaxDelayMs, maxDelayMs) : maxDelayMs;
    const base = Math.min(cap, initialDelayMs * 2 ** attempt);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
