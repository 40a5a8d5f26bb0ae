import { randomUUID } from 'node:crypto';
import { limits } from '../../../shared/limits';
import type { WaitingEntry, WaitingList } from '../../../shared/protocol';
import { HostError } from '../errors';
import type { PeerChannel } from '../Peer';
import { addressKey } from '../security/clientAddress';
import { KnockGuard } from '../security/KnockGuard';
import type { HostRole } from './HostRole';

/** Someone asking to enter: the join that waits, and how to reach it meanwhile. */
export interface Knock {
  displayName: string;
  address: string;
  channel: Pick<PeerChannel, 'notify' | 'signal'>;
}

/** What the waiting room needs of its room. */
export interface WaitingRoomHost {
  readonly id: string;
  readonly peers: ReadonlyMap<string, { readonly channel: Pick<PeerChannel, 'notify'> }>;
  once(event: 'close', listener: () => void): unknown;
}

export interface WaitingRoomSettings {
  guard: KnockGuard;
  maxWaitMs: number;
  maxEntries: number;
  maxPerAddress: number;
}

interface Waiter {
  entry: WaitingEntry;
  addressKey: string;
  channel: Knock['channel'];
  settle(error?: HostError): void;
}

/**
 * Clustered, the meeting spanning nodes: knocks wait in the home's waiting room, whichever node
 * the host is on (cluster/SpanHost).
 */
export interface WaitingRoomSpan {
  /** This node is the meeting's home (its waiting room is the meeting's). */
  isHome(): boolean;
  /** Home: how to tell a host served by another node (undefined: not one). */
  hostElsewhere(peerId: string): Pick<PeerChannel, 'notify'> | undefined;
  /** Elsewhere: the home's list, as last heard (undefined: none heard). */
  homeList(): WaitingList | undefined;
  /** Elsewhere: the host's decision, made by the home; answers how many were let in. */
  decide(action: WaitingDecision, waitingId?: string): Promise<number>;
}

export type WaitingDecision = 'admit' | 'deny' | 'admitAll';

const defaultSettings = (): WaitingRoomSettings => ({
  guard: new KnockGuard(),
  maxWaitMs: limits.maxWaitMs,
  maxEntries: limits.maxWaitingPerRoom,
  maxPerAddress: limits.maxWaitingPerAddress,
});

/**
 * The queue in front of a room. With the waiting room on, a newcomer's join (passcode already
 * checked) waits here until the host admits or denies it, it waits too long, its connection goes,
 * or the meeting ends; the host sees the list. Waiting holds no seat and no media: the join goes on
 * (transports, size cap) only once let in. Lives as long as the meeting's admission (it survives a
 * room moving to another worker); `attach` points it at the room that currently serves the meeting.
 */
export class WaitingRoom {
  enabled = false;
  readonly #waiters = new Map<string, Waiter>();
  #settings = defaultSettings();
  #room?: WaitingRoomHost;
  #hostRole?: HostRole;
  #version = 0;
  span?: WaitingRoomSpan;
  readonly #onHostChanged = (peerId: string | null) => {
    // Nobody is left to let anyone in: the meeting is over for those waiting too.
    if (peerId === null) this.endAll('the meeting ended');
    else this.#publish();
  };

  /** Serve `room` from now on (a new room, or the one that replaced a room on a dead worker). */
  attach(room: WaitingRoomHost, hostRole: HostRole, settings: Partial<WaitingRoomSettings> = {}): void {
    this.#hostRole?.off('changed', this.#onHostChanged);
    this.#room = room;
    this.#hostRole = hostRole;
    this.#settings = { ...this.#settings, ...settings };
    hostRole.on('changed', this.#onHostChanged);
    room.once('close', () => {
      if (this.#room === room) this.endAll('the meeting ended');
    });
  }

  get size(): number {
    return this.#waiters.size;
  }

  /** How long a knock may wait (a cluster node tells a satellite's knocker). */
  get maxWaitMs(): number {
    return this.#settings.maxWaitMs;
  }

  list(): WaitingList {
    if (this.#remote) return this.span?.homeList() ?? { version: -1, entries: [] };
    return { version: this.#version, entries: [...this.#waiters.values()].map((waiter) => waiter.entry) };
  }

  /**
   * Returns at once (false) when the waiting room is off; otherwise waits until the host lets this
   * knock in (true), or throws: `denied`, `waiting_timeout`, `not_found` (the meeting ended),
   * `not_joined` (the connection went), `limit_exceeded` (list full), `rate_limited`.
   */
  async wait(knock: Knock): Promise<boolean> {
    if (!this.enabled) return false;
    const key = addressKey(knock.address);
    this.#assertRoomFor(key);
    await this.#settings.guard.knock(knock.address, this.#room?.id ?? '');
    // The host may have turned the waiting room off meanwhile; the list may have filled up.
    if (!this.enabled) return false;
    this.#assertRoomFor(key);
    if (knock.channel.signal?.aborted) throw gone();
    await new Promise<void>((resolve, reject) => {
      const entry: WaitingEntry = { id: randomUUID(), displayName: knock.displayName, since: Date.now() };
      const timer = setTimeout(() => waiter.settle(new HostError('waiting_timeout', `nobody let you in within ${Math.round(this.#settings.maxWaitMs / 60_000)} minutes`)), this.#settings.maxWaitMs);
      timer.unref();
      const onGone = () => waiter.settle(gone());
      const waiter: Waiter = {
        entry,
        addressKey: key,
        channel: knock.channel,
        settle: (error) => {
          if (this.#waiters.get(entry.id) !== waiter) return;
          this.#waiters.delete(entry.id);
          clearTimeout(timer);
          knock.channel.signal?.removeEventListener('abort', onGone);
          this.#publish();
          if (error) reject(error);
          else resolve();
        },
      };
      this.#waiters.set(entry.id, waiter);
      knock.channel.signal?.addEventListener('abort', onGone, { once: true });
      knock.channel.notify('waiting', { maxWaitMs: this.#settings.maxWaitMs });
      this.#host()?.notify('knock', entry);
      this.#publish();
    });
    return true;
  }

  admit(waitingId: string): void {
    this.#waiter(waitingId).settle();
  }

  deny(waitingId: string): void {
    this.#waiter(waitingId).settle(new HostError('denied', 'The host did not let you in'));
  }

  /** The host's decision (on a node other than the meeting's home: made there); answers how many were let in. */
  async decide(action: WaitingDecision, waitingId = ''): Promise<number> {
    if (this.#remote) return this.span!.decide(action, waitingId);
    if (action === 'admitAll') return this.admitAll();
    if (action === 'admit') this.admit(waitingId);
    else this.deny(waitingId);
    return action === 'admit' ? 1 : 0;
  }

  /** Lets everyone waiting in; answers how many. */
  admitAll(): number {
    const waiters = [...this.#waiters.values()];
    for (const waiter of waiters) waiter.settle();
    return waiters.length;
  }

  /** Turning the waiting room off lets everyone waiting in. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (!enabled) this.admitAll();
  }

  /** Tells everyone waiting that they will not get in (`reason`: why the meeting ended). */
  endAll(reason: string): void {
    for (const waiter of [...this.#waiters.values()]) {
      // Said now, like to the participants: the join's answer may not get out before the connection closes.
      waiter.channel.notify('meetingEnded', { reason });
      waiter.settle(new HostError('not_found', reason));
    }
  }

  #assertRoomFor(key: string): void {
    if (this.#waiters.size >= this.#settings.maxEntries) throw new HostError('limit_exceeded', 'too many people are waiting to join this meeting; try again later');
    let fromAddress = 0;
    for (const waiter of this.#waiters.values()) if (waiter.addressKey === key) fromAddress++;
    if (fromAddress >= this.#settings.maxPerAddress) throw new HostError('limit_exceeded', 'too many people from your address are waiting to join this meeting');
  }

  #waiter(waitingId: string): Waiter {
    const waiter = this.#waiters.get(waitingId);
    if (!waiter) throw new HostError('not_found', 'nobody with that id is waiting');
    return waiter;
  }

  /** Knocks wait on another node (the meeting's home). */
  get #remote(): boolean {
    return this.span !== undefined && !this.span.isHome();
  }

  #host() {
    const hostId = this.#hostRole?.peerId;
    if (!hostId) return undefined;
    return this.#room?.peers.get(hostId)?.channel ?? (this.span?.isHome() ? this.span.hostElsewhere(hostId) : undefined);
  }

  #publish(): void {
    this.#version++;
    // Elsewhere, only the home's list (its versions) reaches the host: this node's own numbering would hide the home's next ones.
    if (this.#remote && !this.span?.homeList()) return;
    this.#host()?.notify('waitingList', this.list());
  }
}

function gone(): HostError {
  return new HostError('not_joined', 'the connection closed while waiting to be let in');
}
