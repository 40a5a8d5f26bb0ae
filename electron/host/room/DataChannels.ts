import type { types } from 'mediasoup';
import { limits } from '../../../shared/limits';
import type { Peer } from '../Peer';
import type { RoomRouters } from './RoomRouters';

/**
 * SCTP settings for every WebRTC and pipe transport. The SFU drops a data channel message its send
 * buffer cannot take, so the buffers hold twice the window a file sender may run ahead of its
 * slowest recipient (see shared/limits.ts).
 */
export const sctpOptions = {
  enableSctp: true,
  sctpSendBufferSize: 2 * limits.fileWindowBytes,
  sctpPerStreamSendQueueLimit: 2 * limits.fileWindowBytes,
} as const;

/** The same buffers for pipes between a room's routers (whichever pipe of a router pair comes first creates it). */
export const pipeSctpOptions = {
  sctpSendBufferSize: sctpOptions.sctpSendBufferSize,
  sctpPerStreamSendQueueLimit: sctpOptions.sctpPerStreamSendQueueLimit,
} as const;

export type DataProducerAppData = { peerId: string; transferId: string };
export type DataConsumerAppData = { peerId: string; transferId: string };

/**
 * Data consumers of one data producer on chosen participants' receive transports. A recipient on
 * another router of the room gets the producer piped there first, once per router.
 */
export class DataFanOut {
  readonly #producer: types.DataProducer<DataProducerAppData>;
  readonly #routers: RoomRouters;
  readonly #sender: Peer;
  readonly #pipes = new Map<types.Router, Promise<void>>();

  constructor(producer: types.DataProducer<DataProducerAppData>, sender: Peer, routers: RoomRouters) {
    this.#producer = producer;
    this.#sender = sender;
    this.#routers = routers;
  }

  async consume(recipient: Peer): Promise<types.DataConsumer<DataConsumerAppData>> {
    const from = this.#routers.routerOf(this.#sender)?.router;
    const to = this.#routers.routerOf(recipient)?.router;
    if (!from || !to) throw new Error('participant left');
    if (from !== to) await this.#pipe(from, to);
    return recipient.recvTransport.consumeData<DataConsumerAppData>({
      dataProducerId: this.#producer.id,
      appData: { peerId: recipient.id, transferId: this.#producer.appData.transferId },
    });
  }

  #pipe(from: types.Router, to: types.Router): Promise<void> {
    let pipe = this.#pipes.get(to);
    if (!pipe) {
      pipe = from
        .pipeToRouter({ dataProducerId: this.#producer.id, router: to, ...pipeSctpOptions })
        .then(() => undefined);
      this.#pipes.set(to, pipe);
      pipe.catch(() => this.#pipes.delete(to));
    }
    return pipe;
  }
}

/**
 * Closes an ended transfer's data producer only once its sender's data channel has drained (what
 * it had queued arrives and is dropped here: no consumer is left). Closing it resets the SCTP
 * stream; a reset while the sender still had messages queued or in flight on that stream stopped
 * the sender's whole association from sending anything more (wrtc: every later file from that
 * participant stalled at 0 bytes). `senderDrained`: the sender's word that nothing is queued on its
 * side (FileSender); until then a pause in arrivals proves nothing (a sender on a busy machine
 * stalls for seconds with megabytes queued). Then it closes once nothing arrived for `drainQuietMs`,
 * or at `drainMaxMs` in any case.
 */
export function closeDrained(producer: types.DataProducer, now: boolean, { drainQuietMs, drainMaxMs }: { drainQuietMs: number; drainMaxMs: number }, senderDrained?: Promise<void>): void {
  if (now || producer.closed) return producer.close();
  const deadline = Date.now() + drainMaxMs;
  const poll = Math.max(20, Math.round(drainQuietMs / 5));
  let last = -1;
  let quietSince = Date.now();
  let waitingForSender = senderDrained !== undefined;
  void senderDrained?.then(() => {
    waitingForSender = false;
    quietSince = Date.now();
  });
  const check = async () => {
    if (producer.closed) return;
    const received = await producer.getStats().then(([stats]) => stats?.bytesReceived ?? 0, () => undefined);
    if (producer.closed) return;
    if (received === undefined) return producer.close();
    if (received !== last) {
      last = received;
      quietSince = Date.now();
    }
    if ((!waitingForSender && Date.now() - quietSince >= drainQuietMs) || Date.now() >= deadline) return producer.close();
    setTimeout(() => void check(), poll).unref();
  };
  void check();
}

/**
 * Senders' word that an ended transfer's data channel drained on their side (`fileDrained`), awaited
 * by closeDrained. A word that comes before the host ended the transfer (the sender stopped on its
 * own) is kept as long as a wait would be.
 */
export class SenderDrains {
  readonly #waiting = new Map<string, { sender: Peer; resolve: () => void }>();
  readonly #early = new Map<string, Peer>();

  /** Resolves once `sender` says `transferId` drained (or said so already); forgotten after `maxMs`. */
  wait(transferId: string, sender: Peer, maxMs: number): Promise<void> {
    if (this.#early.get(transferId) === sender) {
      this.#early.delete(transferId);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#waiting.delete(transferId), maxMs);
      timer.unref();
      this.#waiting.set(transferId, {
        sender,
        resolve: () => {
          clearTimeout(timer);
          this.#waiting.delete(transferId);
          resolve();
        },
      });
    });
  }

  /** `sender` says `transferId` drained on its side. */
  drained(sender: Peer, transferId: string): void {
    const waiting = this.#waiting.get(transferId);
    if (waiting?.sender === sender) waiting.resolve();
  }

  /** ... before the transfer ended here (the caller checked it is the sender's): kept for a later wait. */
  early(sender: Peer, transferId: string, maxMs: number): void {
    if (this.#early.has(transferId)) return;
    this.#early.set(transferId, sender);
    setTimeout(() => this.#early.delete(transferId), maxMs).unref();
  }
}
