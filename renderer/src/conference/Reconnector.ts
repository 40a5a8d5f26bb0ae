import type { Attempt } from './ConnectionStateMachine';
import { ConferenceError, ConnectionError } from './errors';
import type { ReconnectPolicy } from './ReconnectPolicy';
import { sleep } from './timeouts';

/** Errors after which retrying cannot help. */
const FATAL_CODES = new Set(['unauthorized', 'room_locked', 'room_full', 'bad_request', 'kicked', 'rate_limited', 'unsupported_browser', 'denied', 'waiting_timeout']);
/** A hard cap beside the policy's own deadline: the loop is bounded whatever the policy says. */
const MAX_ATTEMPTS = 500;

export interface ReconnectSteps {
  /** One rejoin; resolves once connected. Throws when it failed (or `attempt` went stale). */
  establish(attempt: Attempt): Promise<void>;
  /** Drops what a failed try left behind, before the next one. */
  discard(): void;
  /** Tells the host to forget our old peer (after `already_joined`, or before a media-only rejoin). */
  leaveOnHost(): Promise<void>;
  /** Reconnecting cannot succeed: end the meeting with this error. */
  fail(error: ConnectionError): void;
  /** Waits before the next try; may return early (the network came back). Default: `sleep`. */
  wait?(ms: number): Promise<void>;
}

/**
 * Rebuilds a session after a drop: waits as the policy says, rejoins with the resume token, and
 * tries again until it works, the policy gives up, the host refuses for good, or the run goes stale.
 */
export class Reconnector {
  readonly #policy: ReconnectPolicy;
  readonly #steps: ReconnectSteps;

  constructor(policy: ReconnectPolicy, steps: ReconnectSteps) {
    this.#policy = policy;
    this.#steps = steps;
  }

  async run(attempt: Attempt, options: { immediate?: boolean; leaveFirst?: boolean } = {}): Promise<void> {
    if (options.leaveFirst) await this.#steps.leaveOnHost();
    const startedAt = Date.now();
    let previousTryAt: number | undefined;
    for (let n = 0; n < MAX_ATTEMPTS && attempt.current; n++) {
      // Still connected (the host asked us to rejoin): the first try need not wait.
      const delay = n === 0 && options.immediate ? 0 : this.#policy.nextRetryDelayMs({ attempt: n, elapsedMs: Date.now() - startedAt });
      if (delay === null) break;
      // The delay spaces the starts of tries: one that waited out its connect timeout (the host's
      // link is down) has already waited, and a new connection attempt now is what finds the host
      // the moment it is back.
      const waited = previousTryAt === undefined ? 0 : Date.now() - previousTryAt;
      await (this.#steps.wait ?? sleep)(Math.max(0, delay - waited));
      if (!attempt.current) return;
      previousTryAt = Date.now();
      try {
        await this.#steps.establish(attempt);
        return;
      } catch (error) {
        if (!attempt.current) return;
        const code = (error as ConferenceError).code;
        if (FATAL_CODES.has(code)) return this.#steps.fail(ConnectionError.from(error));
        if (code === 'already_joined') await this.#steps.leaveOnHost();
        this.#steps.discard();
      }
    }
    if (attempt.current) this.#steps.fail(new ConnectionError('gave_up', 'host_unreachable', 'Lost the connection to the meeting host'));
  }
}
