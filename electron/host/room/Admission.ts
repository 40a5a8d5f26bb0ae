import { limits } from '../../../shared/limits';
import { HostError } from '../errors';
import type { PasscodeGuard } from '../security/PasscodeGuard';
import { secretsEqual } from '../security/secrets';
import { ResumeTokens, type ResumeGrant } from './ResumeTokens';
import { WaitingRoom, type Knock } from './WaitingRoom';
import { E2eeFlag } from './E2eeFlag';

export interface AdmissionRequest {
  /** Client address (rate limits). */
  address: string;
  passcode?: string;
  resumeToken?: string;
  /** Proved the owner key or the admin token: enters whatever the lock, passcode or size. */
  asOwner: boolean;
  /** Who knocks when the waiting room is on (absent: this join cannot wait, e.g. a test's direct join). */
  displayName?: string;
  channel?: Knock['channel'];
  /**
   * Clustered, a meeting spanning nodes: its home (another node) admitted this join — `open`, or
   * `letIn` from the home's waiting room by the host. Either way it does not wait in this node's.
   */
  byHome?: 'open' | 'letIn';
  /** Aborted when the joining connection closes: its seat is given back at once (the join will not complete). */
  departed?: AbortSignal;
}

/** Checks a passcode attempt: the passcode itself (set here), or its keyed digest (replicated from another node of a cluster). */
export type PasscodeMatcher = (attempt: string | undefined) => boolean;

/** The matcher for a passcode set here (null or '': no passcode). */
export function passcodeMatcher(passcode: string | null): PasscodeMatcher | null {
  if (passcode === null || passcode === '') return null;
  return (attempt) => secretsEqual(attempt, passcode);
}

/** A change of who may enter: `passcode` null removes it. */
export interface AdmissionChange {
  locked?: boolean;
  passcode?: PasscodeMatcher | null;
  /** A lock or passcode change made at this time on another node of a cluster: revokes as of then. */
  at?: number;
}

/** What an admission decided; handed back to `complete` or `abort`. */
export interface AdmissionTicket {
  readonly resumed?: ResumeGrant;
  readonly asOwner: boolean;
  readonly token?: string;
  /** The host let this newcomer in from the waiting room: the lock no longer stops it. */
  readonly letIn?: boolean;
  /** Its seat among the joins in progress was given back (completed, aborted, or its connection went). */
  seatFreed?: boolean;
  /** Stops watching the joining connection. */
  unwatch?: () => void;
}

/**
 * Who may enter one room: the lock, the passcode (rate-limited), the waiting room, the size cap and
 * the resume tokens that let a participant come back after a drop (without knocking again). The
 * size cap counts joins in progress, so concurrent joins cannot overfill the room while they wait
 * for their transports; people in the waiting room hold no seat.
 */
export class Admission {
  locked = false;
  #passcode: PasscodeMatcher | null = null;
  #inProgress = 0;
  readonly tokens: ResumeTokens;
  readonly waiting = new WaitingRoom();
  /** The meeting is end-to-end encrypted: joins that would not encrypt are refused. */
  readonly e2ee = new E2eeFlag();
  readonly #roomId: string;
  readonly #guard: PasscodeGuard;

  constructor(roomId: string, guard: PasscodeGuard, resumeWindowMs: number) {
    this.#roomId = roomId;
    this.#guard = guard;
    this.tokens = new ResumeTokens(resumeWindowMs);
  }

  get hasPasscode(): boolean {
    return this.#passcode !== null;
  }

  get joinsInProgress(): number {
    return this.#inProgress;
  }

  /**
   * Throws a HostError when the request may not enter. A newcomer passes the lock and passcode
   * first, then the waiting room (if on). `present` = participants in the room now.
   */
  async admit(request: AdmissionRequest, present: () => number): Promise<AdmissionTicket> {
    const resumed = this.tokens.claim(request.resumeToken);
    let letIn = false;
    try {
      if (request.byHome === 'letIn') letIn = !resumed && !request.asOwner;
      else if (!resumed && !request.asOwner) {
        await this.#checkNewcomer(request);
        const { displayName, channel } = request;
        letIn = !request.byHome && displayName !== undefined && channel !== undefined && (await this.waiting.wait({ displayName, channel, address: request.address }));
      }
    } catch (error) {
      this.tokens.unclaim(resumed ? request.resumeToken : undefined);
      throw error;
    }
    const ticket: AdmissionTicket = { resumed, asOwner: request.asOwner, token: resumed ? request.resumeToken : undefined, letIn };
    // Counted after the awaits above, checked at once: the joins still in progress hold their seats.
    this.#inProgress++;
    if (!request.asOwner && present() + this.#inProgress > limits.maxPeersPerRoom) {
      this.abort(ticket);
      throw new HostError('room_full', `this meeting is full (${limits.maxPeersPerRoom} participants)`);
    }
    const { departed } = request;
    if (departed) {
      const free = () => this.freeSeat(ticket);
      departed.addEventListener('abort', free, { once: true });
      ticket.unwatch = () => departed.removeEventListener('abort', free);
    }
    return ticket;
  }

  /** The participant is in: its single-use token is replaced by a fresh one. */
  complete(ticket: AdmissionTicket, peerId: string): string {
    this.freeSeat(ticket);
    return this.tokens.issue(peerId);
  }

  abort(ticket: AdmissionTicket): void {
    this.freeSeat(ticket);
    this.tokens.unclaim(ticket.token);
  }

  /**
   * The join's seat is no longer held: its connection went (the client gave up waiting), so the
   * join will not complete, and a retry must not find the meeting full meanwhile. Once per ticket.
   */
  freeSeat(ticket: AdmissionTicket): void {
    if (ticket.seatFreed) return;
    ticket.seatFreed = true;
    ticket.unwatch?.();
    this.#inProgress--;
  }

  /** Throws `room_locked` when the room is locked (checked again after every wait of a join). */
  assertOpen(): void {
    if (this.locked) throw new HostError('room_locked', 'the host has locked this meeting');
  }

  /**
   * Locking, and changing the passcode, end the resume rights of everyone not in the meeting now
   * (`present`) — or, for such a change made at `change.at` on another node of a cluster, of
   * everyone whose connection had dropped by then. True when they did.
   */
  change(change: AdmissionChange, present: ReadonlySet<string>): boolean {
    if (change.passcode !== undefined) this.#passcode = change.passcode;
    if (change.locked !== undefined) this.locked = change.locked;
    if (change.at !== undefined) {
      this.tokens.revokeDroppedBefore(change.at);
      return true;
    }
    const revokes = change.passcode !== undefined || change.locked === true;
    if (revokes) this.tokens.revokeAllExcept(present);
    return revokes;
  }

  async #checkNewcomer(request: AdmissionRequest): Promise<void> {
    this.assertOpen();
    if (this.#passcode === null) return;
    const attempt = await this.#guard.attempt(request.address, this.#roomId);
    // The room may have been locked, or its passcode removed, while the attempt was being counted.
    this.assertOpen();
    if (this.#passcode === null) return attempt.succeeded();
    if (!this.#passcode(request.passcode)) {
      throw new HostError('unauthorized', request.passcode ? 'wrong passcode' : 'this meeting needs a passcode');
    }
    await attempt.succeeded();
  }
}
