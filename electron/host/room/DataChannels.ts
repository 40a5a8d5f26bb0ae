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
 * the sender's whole association from sending anything more (wrtc, 5 of 8 runs: every later file
 * from that participant stalled at 0 bytes). The sender stops writing as soon as it knows the
 * transfer ended, so the stream goes quiet within a round trip or two of draining.
 */
export function closeDrained(producer: types.DataProducer, now: boolean, { drainQuietMs, drainMaxMs }: { drainQuietMs: number; drainMaxMs: number }): void {
  if (now || producer.closed) return producer.close();
  const deadline = Date.now() + drainMaxMs;
  const poll = Math.max(20, Math.round(drainQuietMs / 5));
  let last = -1;
  let quietSince = Date.now();
  const check = async () => {
    if (producer.closed) return;
    const received = await producer.getStats().then(([stats]) => stats?.bytesReceived ?? 0, () => undefined);
    if (producer.closed) return;
    if (received === undefined) return producer.close();
    if (received !== last) {
      last = received;
      quietSince = Date.now();
    }
    if (Date.now() - quietSince >= drainQuietMs || Date.now() >= deadline) return producer.close();
    setTimeout(() => void check(), poll).unref();
  };
  void check();
}
