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
 * connection in time, a network still coming back): less than the host's grace (15 s by default),
 * after which it answers `not_resumable` anyway.
 */
export const KEEP_SESSION_MS = 10_000;

/** Since when the current session has been kept for a resume (undefined: not kept). */
export class KeptSince {
  #since?: number;
  /** The signaling connection dropped; the media session stays for resume tries. */
  start(): void {
    this.#since ??= Date.now();
  }
  stop(): void {
    this.#since = undefined;
  }
  /** A failed try keeps the session for the next one. */
  get keeping(): boolean {
    return this.#since !== undefined && Date.now() - this.#since < KEEP_SESSION_MS;
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
