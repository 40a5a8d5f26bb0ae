import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { limits } from '../../../shared/limits';
import { HostError } from '../errors';
import { addressKey } from './clientAddress';

/**
 * Slows knocking on a waiting room: each knock rings at the host, so a flood of knocks is a
 * flood of the host's attention. Counted per (client address, room) for the same reason as
 * passcode attempts (PasscodeGuard): one office behind a NAT must not lock itself out of every
 * meeting because of one room. Host-wide, so a room that closes and reopens does not reset it.
 */
export class KnockGuard {
  readonly #perClient: RateLimiterMemory;

  constructor(knocksPerMinute: number = limits.knocksPerAddressPerMinute) {
    this.#perClient = new RateLimiterMemory({ points: knocksPerMinute, duration: 60 });
  }

  /** Counts one knock, or throws `rate_limited`. */
  async knock(address: string, roomId: string): Promise<void> {
    try {
      await this.#perClient.consume(`${addressKey(address)}|${roomId}`);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new HostError('rate_limited', `too many knocks on this meeting; try again in ${Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))} s`);
    }
  }
}
