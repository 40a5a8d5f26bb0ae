import { addressKey } from '../security/clientAddress';

/**
 * Bounds what connections cost before they do anything useful: at most `maxPerAddress` open
 * signaling connections per client address (IPv6: per /64), and a connection that has not joined
 * a meeting within `joinDeadlineMs` is closed (the lobby connects early to warm up; the SDK
 * reconnects when the user presses Join).
 */
export class ConnectionGuard {
  readonly #open = new Map<string, number>();
  readonly maxPerAddress: number;
  readonly joinDeadlineMs: number;

  constructor(options: { maxPerAddress: number; joinDeadlineMs: number }) {
    this.maxPerAddress = options.maxPerAddress;
    this.joinDeadlineMs = options.joinDeadlineMs;
  }

  /** Counts a new connection from `address`; false (and not counted) when the address is at its cap. */
  admit(address: string): boolean {
    const key = addressKey(address);
    const open = this.#open.get(key) ?? 0;
    if (open >= this.maxPerAddress) return false;
    this.#open.set(key, open + 1);
    return true;
  }

  release(address: string): void {
    const key = addressKey(address);
    const open = (this.#open.get(key) ?? 0) - 1;
    if (open > 0) this.#open.set(key, open);
    else this.#open.delete(key);
  }

  openFrom(address: string): number {
    return this.#open.get(addressKey(address)) ?? 0;
  }
}
