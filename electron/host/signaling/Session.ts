import type { Socket } from 'socket.io';
import { z } from 'zod';
import { limits } from '../../../shared/limits';
import { ConsumerTakeResult, type Ack, type ClientToServerEvents, type NewConsumer, type NotificationData, type NotificationName, type ServerToClientEvents } from '../../../shared/protocol';
import type { Peer, PeerChannel } from '../Peer';
import type { Room } from '../Room';
import type { PreparedTransports } from '../room/PreparedTransports';

const OfferAck = z.union([
  z.object({ ok: z.literal(true), data: z.object({ results: z.array(ConsumerTakeResult).max(limits.maxConsumersPerOffer) }) }).transform((a) => ({ ok: true as const, results: a.data.results })),
  z.object({ ok: z.literal(false), error: z.object({ message: z.string().max(500) }) }).transform((a) => ({ ok: false as const, error: a.error.message })),
]);

export type RoundtableSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** One signaling connection. Before `join` it has no peer; after a worker loss it drops back to that state. */
export class Session implements PeerChannel {
  readonly socket: RoundtableSocket;
  readonly address: string;
  peer?: Peer;
  room?: Room;
  joining = false;
  /** The client said in its join that it takes `newConsumers` batches. */
  consumerBatches = false;
  /** The client said in its join that it takes `consumerScores` batches. */
  scoreBatches = false;
  #prepared?: PreparedTransports;
  #prepareRequests = 0;
  #joinDeadline?: NodeJS.Timeout;
  readonly #gone = new AbortController();
  #forgetPeer?: () => void;

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

  /** The lobby's prepared transports, if any; they replace (and release) an earlier pair. */
  get prepared(): PreparedTransports | undefined {
    return this.#prepared;
  }

  /** Numbers a `prepareTransports` request: only the latest one's pair may be kept (`setPrepared`). */
  beginPrepare(): number {
    return ++this.#prepareRequests;
  }

  /** Keeps the pair of request `ticket` (releasing the earlier pair); released at once if a later request started or the connection is gone. */
  setPrepared(prepared: PreparedTransports, ticket: number): boolean {
    if (this.#gone.signal.aborted || ticket !== this.#prepareRequests) {
      prepared.release();
      return false;
    }
    if (this.#prepared !== prepared) this.#prepared?.release();
    this.#prepared = prepared;
    return true;
  }

  /** Hands the prepared transports to a join (which adopts or releases them). */
  takePrepared(): PreparedTransports | undefined {
    const prepared = this.#prepared;
    this.#prepared = undefined;
    return prepared;
  }

  attach(room: Room, peer: Peer, rearmDeadlineMs: number): void {
    this.room = room;
    this.peer = peer;
    this.#clearJoinDeadline();
    const onClose = () => {
      if (this.peer !== peer) return;
      this.peer = undefined;
      this.room = undefined;
      if (this.socket.connected) this.armJoinDeadline(rearmDeadlineMs);
    };
    peer.once('close', onClose);
    // A participant that resumes on a new connection after every drop must not collect a listener per connection.
    this.#forgetPeer = () => peer.off('close', onClose);
  }

  /** `seq`: the participant's notification number (PeerLink), sent after the payload. */
  notify<N extends NotificationName>(name: N, data: NotificationData<N>, seq?: number): void {
    if (seq === undefined) (this.socket.emit as (event: string, payload: unknown) => boolean)(name, data);
    else (this.socket.emit as (event: string, payload: unknown, seq: number) => boolean)(name, data, seq);
  }

  disconnect(): void {
    this.#clearJoinDeadline();
    this.socket.disconnect(true);
  }

  closed(): void {
    this.#clearJoinDeadline();
    this.#forgetPeer?.();
    this.#gone.abort();
    this.takePrepared()?.release();
  }

  async offerConsumers(batch: NewConsumer[], timeoutMs: number): Promise<ConsumerTakeResult[]> {
    if (this.consumerBatches) {
      const result: unknown = await this.socket.timeout(timeoutMs).emitWithAck('newConsumers', { consumers: batch });
      // The ack is client input: validated like any request.
      const parsed = OfferAck.safeParse(result);
      if (!parsed.success) throw new Error('client sent a malformed answer to the offer');
      if (!parsed.data.ok) throw new Error(`client refused the offer: ${parsed.data.error}`);
      return parsed.data.results;
    }
    // A client from before batching: one newConsumer request per consumer.
    return Promise.all(
      batch.map(async (data): Promise<ConsumerTakeResult> => {
        const { lastOffer: _last, ...single } = data;
        try {
          const result: Ack<object> | undefined = await this.socket.timeout(timeoutMs).emitWithAck('newConsumer', single);
          return result?.ok === true ? { consumerId: data.consumerId, ok: true } : { consumerId: data.consumerId, ok: false, error: 'refused' };
        } catch (error) {
          return { consumerId: data.consumerId, ok: false, error: (error as Error).message };
        }
      }),
    );
  }

  #clearJoinDeadline(): void {
    if (this.#joinDeadline) clearTimeout(this.#joinDeadline);
    this.#joinDeadline = undefined;
  }
}
