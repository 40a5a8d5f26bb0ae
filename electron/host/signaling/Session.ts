import type { Socket } from 'socket.io';
import type { Ack, ClientToServerEvents, NewConsumer, NotificationData, NotificationName, ServerToClientEvents } from '../../../shared/protocol';
import type { Peer, PeerChannel } from '../Peer';
import type { Room } from '../Room';

export type RoundtableSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const NEW_CONSUMER_ACK_TIMEOUT_MS = 10_000;

/** One signaling connection. Before `join` it has no peer; after a worker loss it drops back to that state. */
export class Session implements PeerChannel {
  readonly socket: RoundtableSocket;
  readonly address: string;
  peer?: Peer;
  room?: Room;
  joining = false;
  #joinDeadline?: NodeJS.Timeout;
  readonly #gone = new AbortController();

  constructor(socket: RoundtableSocket) {
    this.socket = socket;
    this.address = socket.handshake.address;
  }

  get id(): string {
    return this.socket.id;
  }

  /** Aborted once the connection has closed. */
  get signal(): AbortSignal {
    return this.#gone.signal;
  }

  /** Closes the connection if it has not joined within `ms` (and again after every drop back to unjoined). */
  armJoinDeadline(ms: number): void {
    this.#clearJoinDeadline();
    this.#joinDeadline = setTimeout(() => {
      if (!this.peer && !this.joining) this.disconnect();
    }, ms);
    this.#joinDeadline.unref();
  }

  attach(room: Room, peer: Peer, rearmDeadlineMs: number): void {
    this.room = room;
    this.peer = peer;
    this.#clearJoinDeadline();
    peer.once('close', () => {
      if (this.peer !== peer) return;
      this.peer = undefined;
      this.room = undefined;
      if (this.socket.connected) this.armJoinDeadline(rearmDeadlineMs);
    });
  }

  notify<N extends NotificationName>(name: N, data: NotificationData<N>): void {
    (this.socket.emit as (event: string, payload: unknown) => boolean)(name, data);
  }

  disconnect(): void {
    this.#clearJoinDeadline();
    this.socket.disconnect(true);
  }

  closed(): void {
    this.#clearJoinDeadline();
    this.#gone.abort();
  }

  async requestNewConsumer(data: NewConsumer): Promise<void> {
    const result: Ack<object> | undefined = await this.socket.timeout(NEW_CONSUMER_ACK_TIMEOUT_MS).emitWithAck('newConsumer', data);
    if (!result || result.ok !== true) throw new Error(`client refused consumer: ${result && !result.ok ? result.error.message : 'bad ack'}`);
  }

  #clearJoinDeadline(): void {
    if (this.#joinDeadline) clearTimeout(this.#joinDeadline);
    this.#joinDeadline = undefined;
  }
}
