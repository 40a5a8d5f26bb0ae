import { EventEmitter } from 'eventemitter3';
import type { RequestData, ResponseData, WaitingEntry, WaitingList } from '../../../shared/protocol';
import { ConnectionError } from './errors';
import { REQUEST_TIMEOUT_MS, type SignalingClient } from './SignalingClient';
import { withTimeout } from './timeouts';

export type WaitingRoomEvents = {
  /** The host's view of who waits changed (only the host is told). */
  listChanged: [entries: readonly WaitingEntry[]];
  /** Someone new is waiting: the host's UI plays the knock. */
  knock: [entry: WaitingEntry];
  /** The host turned the waiting room on or off. */
  enabledChanged: [enabled: boolean];
};

/** Beyond the wait the host announced, how long its answer may still take. */
const ANSWER_MARGIN_MS = REQUEST_TIMEOUT_MS;
/** The underlying request's own bound; the real ones are applied around it. */
const LONGEST_WAIT_MS = 24 * 60 * 60_000;

/**
 * The `join` request of a meeting that may have a waiting room. One round trip as always: the
 * answer is the normal join answer, held by the host until it lets us in. Until the host says
 * `waiting` the usual request bound applies; after it, the wait the host announced (plus a margin).
 * `onWaiting` runs when the host puts us in the waiting room.
 */
export async function requestJoin(signaling: SignalingClient, data: RequestData<'join'>, onWaiting: () => void): Promise<ResponseData<'join'>> {
  const socket = signaling.socket;
  let markWaiting!: (waiting: { maxWaitMs: number }) => void;
  const waiting = new Promise<{ maxWaitMs: number }>((resolve) => (markWaiting = resolve));
  const onNotice = (notice: { maxWaitMs: number }) => {
    onWaiting();
    markWaiting(notice);
  };
  socket.on('waiting', onNotice);
  // The new participant's notifications are numbered from 1 (a later `resume` says how far it got).
  signaling.lastSeq = 0;
  const answer = signaling.request('join', data, LONGEST_WAIT_MS);
  answer.catch(() => undefined); // awaited below; a timeout here must not leave it unhandled
  try {
    const first = await withTimeout(
      Promise.race([answer.then((value) => ({ answer: value })), waiting.then((notice) => ({ notice }))]),
      REQUEST_TIMEOUT_MS,
      () => ConnectionError.timeout('join: no answer from the host', REQUEST_TIMEOUT_MS),
    );
    if ('answer' in first) return first.answer;
    const bound = first.notice.maxWaitMs + ANSWER_MARGIN_MS;
    return await withTimeout(answer, bound, () => ConnectionError.timeout('join: waited to be let in', bound));
  } finally {
    socket.off('waiting', onNotice);
  }
}

/**
 * The waiting room from the client's side: whether the meeting has one, and for its host, who is
 * waiting with Admit / Deny / Admit all. (Being in the waiting room is the Conference's `waiting`
 * connection state.) The host sends the whole list on every change; an older copy never replaces
 * a newer one.
 */
export class WaitingRoomControls extends EventEmitter<WaitingRoomEvents> {
  readonly #signaling: SignalingClient;
  #enabled = false;
  #list: WaitingList = { version: -1, entries: [] };

  constructor(signaling: SignalingClient) {
    super();
    this.#signaling = signaling;
    const socket = signaling.socket;
    socket.on('waitingList', (list) => this.#setList(list));
    socket.on('knock', (entry) => this.emit('knock', entry));
    socket.on('waitingRoomChanged', ({ enabled }) => this.#setEnabled(enabled));
  }

  /** Arrivals wait until the host lets them in. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Who is waiting, oldest first (known to the host only). */
  get entries(): readonly WaitingEntry[] {
    return this.#list.entries;
  }

  /** The join answer's picture (a rejoin as host brings the current list). */
  applyJoin(answer: Pick<ResponseData<'join'>, 'waitingRoom' | 'waitingList'>): void {
    this.#setEnabled(answer.waitingRoom ?? false);
    this.#setList(answer.waitingList ?? { version: -1, entries: [] }, true);
  }

  /** Host only: turning it off lets everyone waiting in. */
  async setEnabled(enabled: boolean): Promise<void> {
    await this.#signaling.request('hostSetWaitingRoom', { enabled });
    this.#setEnabled(enabled);
  }

  async admit(waitingId: string): Promise<void> {
    await this.#signaling.request('hostAdmit', { waitingId });
  }

  async deny(waitingId: string): Promise<void> {
    await this.#signaling.request('hostDeny', { waitingId });
  }

  /** Lets everyone waiting in; resolves with how many. */
  async admitAll(): Promise<number> {
    return (await this.#signaling.request('hostAdmitAll', {})).admitted;
  }

  #setEnabled(enabled: boolean): void {
    if (enabled === this.#enabled) return;
    this.#enabled = enabled;
    this.emit('enabledChanged', enabled);
  }

  /** `fresh`: a join answer, which starts a new connection's numbering. */
  #setList(list: WaitingList, fresh = false): void {
    if (!fresh && list.version <= this.#list.version) return;
    if (fresh && list.entries.length === 0 && this.#list.entries.length === 0) return;
    this.#list = list;
    this.emit('listChanged', list.entries);
  }
}
