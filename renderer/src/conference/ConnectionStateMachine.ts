import { ConnectionError } from './errors';
import type { ConferenceError } from './errors';

/** `waiting`: the host put this join in its waiting room; the join goes on once let in. */
export type ConnectionState = 'idle' | 'connecting' | 'waiting' | 'connected' | 'reconnecting' | 'disconnected';

const ALLOWED: Record<ConnectionState, readonly ConnectionState[]> = {
  idle: ['connecting'],
  connecting: ['waiting', 'connected', 'disconnected'],
  waiting: ['connected', 'disconnected'],
  connected: ['reconnecting', 'disconnected'],
  reconnecting: ['reconnecting', 'waiting', 'connected', 'disconnected'],
  disconnected: ['connecting'],
};

/**
 * A ticket for one join or reconnection run. Every step checks it after each `await`: once a newer
 * run started (or leave() ended the meeting), the ticket is stale and the step stops instead of
 * acting on a session that is no longer its own.
 */
export interface Attempt {
  readonly generation: number;
  readonly current: boolean;
  /** Throws ConnectionError('cancelled') when stale. */
  check(): void;
}

export type StateChange = { state: ConnectionState; reason?: string; error?: ConferenceError };

/**
 * The connection's state and its generation counter. Transitions not in the table are refused,
 * so a late step cannot, say, move a `disconnected` conference to `connected`.
 */
export class ConnectionStateMachine {
  #state: ConnectionState = 'idle';
  #generation = 0;
  /** Why the latest generation was cancelled, for the run it cancelled (e.g. the connection dropped mid-join). */
  #cancelled?: { generation: number; error: ConferenceError };
  readonly #onChange: (change: StateChange) => void;

  constructor(onChange: (change: StateChange) => void) {
    this.#onChange = onChange;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Starts a new run: every earlier Attempt becomes stale. */
  begin(): Attempt {
    const generation = ++this.#generation;
    const isCurrent = () => this.#generation === generation;
    const staleError = () => (this.#cancelled?.generation === generation ? this.#cancelled.error : ConnectionError.cancelled());
    return {
      generation,
      get current() {
        return isCurrent();
      },
      check() {
        if (!isCurrent()) throw staleError();
      },
    };
  }

  /** Makes every Attempt stale without starting a new one (leave, kicked, a drop mid-join); `error` is what the stale run reports. */
  cancelAll(error?: ConferenceError): void {
    this.#cancelled = error ? { generation: this.#generation, error } : undefined;
    this.#generation++;
  }

  /** Moves to `next` if the table allows it (and, with an attempt, only while it is current). Returns whether it moved. */
  transition(next: ConnectionState, details: { reason?: string; error?: ConferenceError; attempt?: Attempt } = {}): boolean {
    if (details.attempt && !details.attempt.current) return false;
    if (!ALLOWED[this.#state].includes(next)) return false;
    this.#state = next;
    this.#onChange({ state: next, reason: details.reason, error: details.error });
    return true;
  }
}
