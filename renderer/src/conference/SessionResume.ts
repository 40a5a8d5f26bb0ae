import type { Attempt } from './ConnectionStateMachine';
import { sessionReadiness, type Session } from './ConferenceSession';
import type { ConferenceError } from './errors';
import type { SignalingClient } from './SignalingClient';

export interface KeptSession {
  session: Session;
  roomId: string;
  resumeToken: string;
  /** Consumer offers that come before the answer (the host sends them as soon as it has the session back) wait on this. */
  setReady(ready: Promise<void>): void;
}

/**
 * How long after a drop the session is kept across failed tries (a host too busy to accept the
 * connection in time, a network still coming back) when the host did not say (older hosts): it
 * answers `not_resumable` after its own grace anyway. A host says its grace in the join answer.
 */
export const KEEP_SESSION_MS = 10_000;
/** A resume after a drop this long restarts ICE on both transports: the media path may have gone down with the connection. */
export const LONG_DROP_MS = 2_000;

/**
 * Whether the current session is kept for a resume (the signaling connection dropped, the media
 * session did not), since when, and who waits for the outcome: a request the drop interrupted is
 * asked again once the session is back (SignalingClient), instead of failing.
 */
export class SessionKeeping {
  #since?: number;
  /** How long a session is kept: the host's grace (its join answer), KEEP_SESSION_MS if it did not say; 0 keeps none. */
  windowMs = KEEP_SESSION_MS;
  readonly #waiters = new Set<(resumed: boolean) => void>();

  /** Starts keeping the session; false when the host keeps none to resume (rejoin instead). */
  start(): boolean {
    if (this.windowMs <= 0) return false;
    this.#since ??= Date.now();
    return true;
  }

  /** The kept session was resumed (true) or given up (false); waiting requests learn which. Returns how long it was kept (ms). */
  settle(resumed: boolean): number {
    const keptMs = this.#since === undefined ? 0 : Date.now() - this.#since;
    this.#since = undefined;
    for (const wake of [...this.#waiters]) wake(resumed);
    return keptMs;
  }

  /** A session is kept now (within its window): a failed try keeps it for the next one. */
  get active(): boolean {
    return this.#since !== undefined && Date.now() - this.#since < this.windowMs;
  }

  /** Resolves true once the kept session is resumed; false when it is given up, or none is kept. */
  resumed(): Promise<boolean> {
    if (this.#since === undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (resumed: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve(resumed);
      };
      const timer = setTimeout(() => wake(false), this.windowMs * 2);
      this.#waiters.add(wake);
    });
  }
}

/**
 * Takes a session back on a new connection after the old one dropped (`resume`): the host kept its
 * transports, producers and consumers, and sends the notifications missed since `lastSeq` before it
 * answers. Resolves with the next resume token, or undefined when the host no longer holds the
 * session (`not_resumable`: join again). Throws a ConnectionError when the host cannot be reached.
 */
export async function resumeSession(signaling: SignalingClient, kept: KeptSession, attempt: Attempt): Promise<string | undefined> {
  const { promise, markReady, markFailed } = sessionReadiness();
  kept.setReady(promise);
  try {
    await signaling.connect();
    attempt.check();
    const answer = await signaling.request('resume', { roomId: kept.roomId, resumeToken: kept.resumeToken, lastSeq: signaling.lastSeq });
    attempt.check();
    kept.session.attempt = attempt;
    markReady();
    return answer.resumeToken;
  } catch (error) {
    markFailed(error);
    if ((error as ConferenceError).code === 'not_resumable') return undefined;
    throw error;
  }
}
