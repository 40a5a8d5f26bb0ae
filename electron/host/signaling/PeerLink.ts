import type { ConsumerTakeResult, NewConsumer, NotificationData, NotificationName } from '../../../shared/protocol';
import type { PeerChannel } from '../Peer';
import type { Session } from './Session';

/** Notifications kept for a resume. Past this many unacknowledged ones a resume is refused (the client joins again). */
export const DEFAULT_REPLAY_LOG = 2_048;

interface Logged {
  seq: number;
  name: NotificationName;
  data: unknown;
}

/**
 * How a room reaches one participant across its signaling connections. Every notification gets a
 * sequence number (sent after its payload) and is kept in a bounded log, so when the connection
 * drops while the participant's media goes on — a client whose loop stalled past the heartbeat, a
 * signaling path that broke while the media path did not — the participant can `resume` on a new
 * connection: the notifications after the last one it received are sent again, in order, and
 * consumer offers made meanwhile wait for it instead of failing. Nobody else renegotiates.
 */
export class PeerLink implements PeerChannel {
  #session: Session;
  #attached = true;
  #seq = 0;
  /** The highest sequence number no longer in the log: a resume from before it cannot be served. */
  #evicted = 0;
  readonly #log: Logged[] = [];
  readonly #maxLog: number;
  readonly #onAttach = new Set<() => void>();
  readonly #onRelease = new Set<() => void>();
  #lapse?: NodeJS.Timeout;
  /** What the client said in its join (the session it resumes on did not join). */
  readonly #consumerBatches: boolean;

  constructor(session: Session, maxLog = DEFAULT_REPLAY_LOG) {
    this.#session = session;
    this.#maxLog = maxLog;
    this.#consumerBatches = session.consumerBatches;
  }

  get address(): string {
    return this.#session.address;
  }
  get signal(): AbortSignal {
    return this.#session.signal;
  }
  get scoreBatches(): boolean {
    return this.#session.scoreBatches;
  }
  /** The connection dropped and no resume has taken the participant back yet. */
  get detached(): boolean {
    return !this.#attached;
  }
  /** The sequence number of the latest notification. */
  get seq(): number {
    return this.#seq;
  }

  /** Whether `session` is the connection this participant is on now (a replaced one's drop is not its drop). */
  isOn(session: Session): boolean {
    return this.#attached && this.#session === session;
  }

  notify<N extends NotificationName>(name: N, data: NotificationData<N>): void {
    const seq = ++this.#seq;
    this.#log.push({ seq, name, data });
    // Trimmed in steps, so a busy room does not shift the whole log on every notification.
    if (this.#log.length > this.#maxLog + this.#maxLog / 8) this.#evicted = this.#log.splice(0, this.#log.length - this.#maxLog).at(-1)!.seq;
    if (this.#attached) this.#session.notify(name, data, seq);
  }

  /** The connection dropped: notifications are only logged, offers wait, until `attach`; `onLapse` if none within `graceMs`. */
  detach(graceMs: number, onLapse: () => void): void {
    this.#attached = false;
    clearTimeout(this.#lapse);
    this.#lapse = setTimeout(onLapse, graceMs);
    this.#lapse.unref();
  }

  /**
   * Moves the participant to `session`, sending it every notification after `lastSeq` first.
   * Refused (false, nothing changed) when the log no longer holds them all or `lastSeq` was never sent.
   */
  attach(session: Session, lastSeq: number): boolean {
    if (lastSeq > this.#seq || lastSeq < this.#evicted) return false;
    const previous = this.#session;
    this.#session = session;
    this.#attached = true;
    clearTimeout(this.#lapse);
    session.consumerBatches = this.#consumerBatches;
    session.scoreBatches = previous.scoreBatches;
    if (previous !== session && previous.socket.connected) {
      // The old connection still looked alive: told, like a join with a copied token tells it (unless it is dead already).
      previous.notify('peerKicked', { reason: 'you resumed this meeting on another connection' });
      previous.disconnect();
    }
    for (const entry of this.#log) if (entry.seq > lastSeq) session.notify(entry.name, entry.data as NotificationData<NotificationName>, entry.seq);
    for (const wake of [...this.#onAttach]) wake();
    return true;
  }

  /** While detached, the offer waits (within its timeout) for the participant to be back. */
  async offerConsumers(batch: NewConsumer[], timeoutMs: number): Promise<ConsumerTakeResult[]> {
    const startedAt = Date.now();
    if (!this.#attached) await this.#attachedWithin(timeoutMs);
    return this.#session.offerConsumers(batch, Math.max(1_000, timeoutMs - (Date.now() - startedAt)));
  }

  disconnect(): void {
    this.#session.disconnect();
  }

  /** The participant is gone for good: offers waiting for it fail now, and the log goes. */
  release(): void {
    this.#attached = false;
    clearTimeout(this.#lapse);
    this.#log.length = 0;
    this.#evicted = this.#seq;
    for (const fail of [...this.#onRelease]) fail();
  }

  #attachedWithin(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.#onAttach.delete(wake);
        this.#onRelease.delete(fail);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => settle(new Error('the participant is reconnecting')), timeoutMs);
      const wake = () => settle();
      const fail = () => settle(new Error('the participant left'));
      this.#onAttach.add(wake);
      this.#onRelease.add(fail);
    });
  }
}
