import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { limits } from '../../../shared/limits';
import { HostError } from '../errors';

/** Everything a participant can do that costs the host or reaches everyone else. */
export type LimitedAction = 'request' | 'join' | 'chat' | 'rename' | 'hand' | 'reaction' | 'recording' | 'fileOffer';

const budgets: Record<LimitedAction, { points: number; duration: number; what: string }> = {
  request: { points: limits.requestsPerSecond, duration: 1, what: 'requests' },
  join: { points: limits.joinsPerMinute, duration: 60, what: 'join attempts' },
  chat: { points: limits.chatMessagesPer10s, duration: 10, what: 'chat messages' },
  rename: { points: limits.renamesPer10s, duration: 10, what: 'name changes' },
  hand: { points: limits.handTogglesPer10s, duration: 10, what: 'hand raises' },
  reaction: { points: limits.reactionsPerSecond, duration: 1, what: 'reactions' },
  recording: { points: limits.handTogglesPer10s, duration: 10, what: 'recording changes' },
  fileOffer: { points: limits.fileOffersPer10s, duration: 10, what: 'file offers' },
};

/**
 * Per-connection budgets for every action that is relayed to others or costs the host work. Over
 * budget, the request is answered `rate_limited` (typed, with a retry time) and nothing is relayed.
 */
export class ActionLimits {
  readonly #limiters = new Map<LimitedAction, RateLimiterMemory>(
    (Object.keys(budgets) as LimitedAction[]).map((action) => [action, new RateLimiterMemory({ points: budgets[action].points, duration: budgets[action].duration })]),
  );

  async consume(action: LimitedAction, connectionId: string): Promise<void> {
    try {
      await this.#limiters.get(action)!.consume(connectionId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new HostError('rate_limited', `too many ${budgets[action].what}; try again in ${seconds} s`);
    }
  }

  /** Forgets a closed connection's counters. */
  async forget(connectionId: string): Promise<void> {
    await Promise.all([...this.#limiters.values()].map((limiter) => limiter.delete(connectionId)));
  }
}
