import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { limits } from '../../../shared/limits';
import { HostError } from '../errors';
import { addressKey } from './clientAddress';

/** One passcode check that has been counted; give it back if the passcode was right. */
export interface PasscodeAttempt {
  succeeded(): Promise<void>;
}

/**
 * Slows passcode guessing. Every passcode check counts, whatever else the join carried (a bogus
 * resume token, another display name) and from whichever socket it came. The attempt is counted
 * *before* the compare and refunded when it succeeds, so a hundred guesses sent at once cannot all
 * pass the check before the first failure is recorded.
 *
 * Attempts are counted per (client address, room), not per address alone: an office behind one
 * NAT shares one address, and one person mistyping — or an attacker guessing — the passcode of one
 * room must not lock the whole office out of every meeting. A second, larger budget per room (all
 * addresses together) slows a guesser who spreads over many addresses; it may delay honest joiners
 * of that one room while it is under attack, which is the lesser harm.
 */
export class PasscodeGuard {
  readonly #perClient = new RateLimiterMemory({ points: limits.passcodeAttemptsPerWindow, duration: limits.passcodeWindowMs / 1000 });
  readonly #perRoom = new RateLimiterMemory({ points: limits.passcodeAttemptsPerRoomPerWindow, duration: limits.passcodeWindowMs / 1000 });

  /** Counts one attempt, or throws `rate_limited` when this client or this room has none left. */
  async attempt(address: string, roomId: string): Promise<PasscodeAttempt> {
    const clientKey = `${addressKey(address)}|${roomId}`;
    try {
      await this.#perClient.consume(clientKey);
    } catch (rejection) {
      throw limited(rejection);
    }
    try {
      await this.#perRoom.consume(roomId);
    } catch (rejection) {
      await this.#perClient.reward(clientKey);
      throw limited(rejection);
    }
    return {
      succeeded: async () => {
        await Promise.all([this.#perClient.reward(clientKey), this.#perRoom.reward(roomId)]);
      },
    };
  }
}

function limited(rejection: unknown): Error {
  if (!(rejection instanceof RateLimiterRes)) return rejection instanceof Error ? rejection : new Error(String(rejection));
  return new HostError('rate_limited', `too many wrong passcodes; try again in ${Math.ceil(rejection.msBeforeNext / 1000)} s`);
}
