import { HostError } from '../errors';
import type { Peer } from '../Peer';

const KEY_REQUIRED = 'this meeting is end-to-end encrypted: join with the meeting key';

/**
 * Whether a meeting is end-to-end encrypted: one flag, never the key (which the host never
 * sees). Only the owner (owner key or admin token) can set it, by joining with `e2ee`; nobody can
 * clear it while the meeting exists. A guest could otherwise switch it off for everyone who joins
 * later (they would send in the clear), or on, locking a plain meeting to a key nobody has. While
 * it is set, a join that does not encrypt is refused before it gets a seat, a knock or a
 * transport, so a client without the key never sends anything here.
 */
export class E2eeFlag {
  #on = false;
  /** Participants whose join said they encrypt (each Peer object is one join). */
  readonly #encrypting = new WeakSet<Peer>();

  get on(): boolean {
    return this.#on;
  }

  /** Before admission (and again once in): throws `e2ee_key_required` for a join that would send in the clear. */
  assertMayJoin(encrypts: boolean): void {
    if (this.#on && !encrypts) throw new HostError('e2ee_key_required', KEY_REQUIRED);
  }

  /**
   * `peer` is in. An owner that encrypts marks the meeting; anyone already present who does not
   * encrypt (joined before the mark) is removed, told to join again with the key.
   */
  joined(peer: Peer, options: { encrypts: boolean; asOwner: boolean }, present: Iterable<Peer>): void {
    this.assertMayJoin(options.encrypts);
    if (options.encrypts) this.#encrypting.add(peer);
    if (!options.asOwner || !options.encrypts || this.#on) return;
    this.#on = true;
    for (const other of present) {
      if (other === peer || this.#encrypting.has(other)) continue;
      other.channel.notify('peerKicked', { reason: `${KEY_REQUIRED} (the host turned end-to-end encryption on)` });
      other.close('kicked');
      other.channel.disconnect();
    }
  }
}
