import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { RecipientOutcome, TransferEndReason } from '../../../shared/fileTransfer';
import { limits } from '../../../shared/limits';
import type { NotificationData, NotificationName } from '../../../shared/protocol';
import { HostError } from '../errors';
import type { Logger } from '../logger';
import type { Peer } from '../Peer';
import { DataFanOut, type DataConsumerAppData, type DataProducerAppData } from './DataChannels';
import type { RoomRouters } from './RoomRouters';

/** What the relay needs of its room. */
export interface FileRelayRoom {
  readonly peers: ReadonlyMap<string, Peer>;
  readonly routers: RoomRouters;
}

export interface FileRelayOptions {
  maxFileBytes: number;
  logger: Logger;
  /** The sender must start (produce its data) this soon after its offer; recipients must be ready this soon after. */
  startTimeoutMs?: number;
  /** How often the bytes a data producer received are checked against what its sender declared. */
  sizeCheckMs?: number;
  /** An ended transfer's data producer closes once nothing arrived on it for this long (see #closeDrained). */
  drainQuietMs?: number;
  /** ... or after this long at the latest. */
  drainMaxMs?: number;
}

interface Recipient {
  peer: Peer;
  consumer?: types.DataConsumer<DataConsumerAppData>;
  /** Bytes acknowledged; undefined until it is ready to receive. */
  acked?: number;
  outcome?: RecipientOutcome;
}

interface Transfer {
  id: string;
  sender: Peer;
  size: number;
  name: string;
  mimeType: string;
  /** End-to-end encrypted meeting: the real name, size and type, which only the participants can open. */
  sealedMeta?: string;
  private: boolean;
  recipients: Map<string, Recipient>;
  producer?: types.DataProducer<DataProducerAppData>;
  delivered: number;
  timers: NodeJS.Timeout[];
  ended: boolean;
  /** Stops listening for the sender's departure. */
  forgetSender: () => void;
}

export interface OfferRequest {
  toPeerId?: string;
  name: string;
  size: number;
  mimeType: string;
  sealedMeta?: string;
}

export interface ProduceDataRequest {
  transportId: string;
  transferId: string;
  sctpStreamParameters: types.SctpStreamParameters;
  label: string;
  protocol: string;
}

/**
 * Files between participants of one room, through the SFU, never stored: one data producer per
 * transfer on the sender's send transport, and data consumers only on its recipients' receive
 * transports, so a private file's bytes never reach anyone else. The relay paces the sender by
 * its slowest recipient's acknowledgements, checks the declared size (at offer: the cap; while
 * sending: the producer's byte count), and closes every data producer and consumer of a transfer
 * when it ends: finished, cancelled by either side, or a party left (their transports closed).
 */
export class FileRelay {
  readonly #room: FileRelayRoom;
  readonly #options: Required<FileRelayOptions>;
  readonly #transfers = new Map<string, Transfer>();

  constructor(room: FileRelayRoom, options: FileRelayOptions) {
    this.#room = room;
    this.#options = { startTimeoutMs: 20_000, sizeCheckMs: 250, drainQuietMs: 500, drainMaxMs: 5_000, ...options };
  }

  /** Transfers in progress (tests and stats). */
  get active(): number {
    return this.#transfers.size;
  }

  offer(sender: Peer, request: OfferRequest): { transferId: string; recipients: number } {
    if (request.size > this.#options.maxFileBytes) {
      throw new HostError('limit_exceeded', `files may be at most ${this.#options.maxFileBytes} bytes on this host`);
    }
    let outgoing = 0;
    for (const transfer of this.#transfers.values()) if (transfer.sender === sender) outgoing++;
    if (outgoing >= limits.maxOutgoingFileTransfers) {
      throw new HostError('limit_exceeded', `at most ${limits.maxOutgoingFileTransfers} files sent at once`);
    }
    const recipients = new Map<string, Recipient>();
    if (request.toPeerId !== undefined) {
      const peer = this.#room.peers.get(request.toPeerId);
      if (!peer) throw new HostError('not_found', 'no such participant');
      if (peer === sender) throw new HostError('bad_request', 'cannot send a file to yourself');
      recipients.set(peer.id, { peer });
    } else {
      for (const peer of this.#room.peers.values()) if (peer !== sender) recipients.set(peer.id, { peer });
      if (recipients.size === 0) throw new HostError('bad_request', 'nobody else is in the meeting');
    }
    const transfer: Transfer = {
      id: randomUUID(),
      sender,
      size: request.size,
      name: request.name,
      mimeType: request.mimeType,
      sealedMeta: request.sealedMeta,
      private: request.toPeerId !== undefined,
      recipients,
      delivered: -1,
      timers: [],
      ended: false,
      forgetSender: () => sender.off('close', onSenderClosed),
    };
    // A sender that leaves before producing: its transfer goes with it.
    const onSenderClosed = () => this.#end(transfer, 'sender_left');
    sender.once('close', onSenderClosed);
    this.#transfers.set(transfer.id, transfer);
    this.#after(transfer, this.#options.startTimeoutMs, () => {
      if (!transfer.producer) this.#end(transfer, 'timeout');
    });
    return { transferId: transfer.id, recipients: recipients.size };
  }

  async produce(sender: Peer, request: ProduceDataRequest): Promise<{ dataProducerId: string }> {
    const transfer = this.#own(sender, request.transferId);
    if (transfer.producer) throw new HostError('bad_request', 'this transfer already has its data channel');
    if (sender.sendTransport.id !== request.transportId) throw new HostError('bad_request', 'produce data on your send transport');
    const producer = await sender.sendTransport.produceData<DataProducerAppData>({
      sctpStreamParameters: request.sctpStreamParameters,
      label: request.label,
      protocol: request.protocol,
      appData: { peerId: sender.id, transferId: transfer.id },
    });
    if (transfer.ended || transfer.producer) {
      producer.close();
      throw new HostError('not_found', 'the transfer ended');
    }
    transfer.producer = producer;
    producer.observer.once('close', () => this.#end(transfer, 'sender_left'));
    this.#watchSize(transfer, producer);
    const fanOut = new DataFanOut(producer, sender, this.#room.routers);
    await Promise.all([...transfer.recipients.values()].map((recipient) => this.#startRecipient(transfer, fanOut, recipient)));
    this.#after(transfer, this.#options.startTimeoutMs, () => {
      for (const recipient of transfer.recipients.values()) if (recipient.acked === undefined) this.#recipientEnded(transfer, recipient, 'failed');
    });
    this.#checkDone(transfer);
    return { dataProducerId: producer.id };
  }

  async #startRecipient(transfer: Transfer, fanOut: DataFanOut, recipient: Recipient): Promise<void> {
    const { peer } = recipient;
    if (this.#room.peers.get(peer.id) !== peer || peer.closed) {
      recipient.outcome = 'left';
      this.#notify(transfer.sender, 'fileRecipientEnded', { transferId: transfer.id, peerId: peer.id, outcome: 'left' });
      return;
    }
    try {
      const consumer = await fanOut.consume(peer);
      if (transfer.ended || recipient.outcome) {
        consumer.close();
        return;
      }
      recipient.consumer = consumer;
      // Closed under us: the recipient left (its transport closed) or the producer went.
      consumer.observer.once('close', () => this.#recipientEnded(transfer, recipient, 'left'));
      this.#notify(peer, 'fileOffered', {
        transferId: transfer.id,
        fromPeerId: transfer.sender.id,
        displayName: transfer.sender.displayName,
        name: transfer.name,
        size: transfer.size,
        mimeType: transfer.mimeType,
        ...(transfer.sealedMeta === undefined ? {} : { sealedMeta: transfer.sealedMeta }),
        private: transfer.private,
        dataConsumer: {
          id: consumer.id,
          dataProducerId: consumer.dataProducerId,
          sctpStreamParameters: consumer.sctpStreamParameters!,
          label: consumer.label,
          protocol: consumer.protocol,
        },
      });
    } catch (error) {
      if (!transfer.ended) this.#options.logger.warn({ err: error, transferId: transfer.id, peerId: peer.id }, 'could not create a data consumer');
      this.#recipientEnded(transfer, recipient, 'failed');
    }
  }

  ack(peer: Peer, transferId: string, received: number): void {
    const { transfer, recipient } = this.#asRecipient(peer, transferId);
    if (received > transfer.size) throw new HostError('bad_request', 'more than the file size');
    if (recipient.acked !== undefined && received < recipient.acked) throw new HostError('bad_request', 'acknowledgements only go forward');
    recipient.acked = received;
    this.#progress(transfer);
  }

  sent(sender: Peer, transferId: string, sha256: string): void {
    const transfer = this.#own(sender, transferId);
    for (const recipient of this.#pending(transfer)) this.#notify(recipient.peer, 'fileHash', { transferId, sha256 });
  }

  result(peer: Peer, transferId: string, outcome: 'received' | 'corrupted'): void {
    const { transfer, recipient } = this.#asRecipient(peer, transferId);
    if (outcome === 'received' && recipient.acked !== transfer.size) throw new HostError('bad_request', 'not everything was acknowledged');
    this.#recipientEnded(transfer, recipient, outcome);
  }

  cancel(peer: Peer, transferId: string): void {
    const transfer = this.#transfers.get(transferId);
    if (transfer?.sender === peer) return this.#end(transfer, 'cancelled');
    const { transfer: theirs, recipient } = this.#asRecipient(peer, transferId);
    this.#recipientEnded(theirs, recipient, 'cancelled');
  }

  close(): void {
    for (const transfer of [...this.#transfers.values()]) this.#end(transfer, 'sender_left');
  }

  // ---------------------------------------------------------------------------------------------

  #own(sender: Peer, transferId: string): Transfer {
    const transfer = this.#transfers.get(transferId);
    if (!transfer) throw new HostError('not_found', 'no such transfer');
    if (transfer.sender !== sender) throw new HostError('unauthorized', 'not your transfer');
    return transfer;
  }

  #asRecipient(peer: Peer, transferId: string): { transfer: Transfer; recipient: Recipient } {
    const transfer = this.#transfers.get(transferId);
    const recipient = transfer?.recipients.get(peer.id);
    if (!transfer || !recipient || recipient.peer !== peer) throw new HostError('not_found', 'no such transfer');
    if (recipient.outcome || !recipient.consumer) throw new HostError('bad_request', 'this transfer is over for you');
    return { transfer, recipient };
  }

  *#pending(transfer: Transfer): Iterable<Recipient> {
    for (const recipient of transfer.recipients.values()) if (!recipient.outcome) yield recipient;
  }

  /** Tells the sender how far it may go: the slowest pending recipient's acknowledged bytes, once all are ready. */
  #progress(transfer: Transfer): void {
    let delivered = Infinity;
    let count = 0;
    for (const recipient of this.#pending(transfer)) {
      if (recipient.acked === undefined) return;
      delivered = Math.min(delivered, recipient.acked);
      count++;
    }
    if (count === 0 || delivered === transfer.delivered) return;
    transfer.delivered = delivered;
    this.#notify(transfer.sender, 'fileProgress', { transferId: transfer.id, delivered, recipients: count });
  }

  #recipientEnded(transfer: Transfer, recipient: Recipient, outcome: RecipientOutcome): void {
    if (transfer.ended || recipient.outcome) return;
    recipient.outcome = outcome;
    recipient.consumer?.close();
    if (outcome === 'failed') this.#notify(recipient.peer, 'fileEnded', { transferId: transfer.id, reason: 'timeout' });
    this.#notify(transfer.sender, 'fileRecipientEnded', { transferId: transfer.id, peerId: recipient.peer.id, outcome });
    this.#progress(transfer);
    this.#checkDone(transfer);
  }

  #checkDone(transfer: Transfer): void {
    if (!transfer.ended && transfer.producer && [...this.#pending(transfer)].length === 0) this.#end(transfer, 'done');
  }

  /** Ends a transfer once: every data producer and consumer of it closed and forgotten, both sides told. */
  #end(transfer: Transfer, reason: TransferEndReason): void {
    if (transfer.ended) return;
    transfer.ended = true;
    this.#transfers.delete(transfer.id);
    for (const timer of transfer.timers) clearTimeout(timer);
    transfer.forgetSender();
    for (const recipient of this.#pending(transfer)) {
      recipient.consumer?.close();
      if (recipient.consumer) this.#notify(recipient.peer, 'fileEnded', { transferId: transfer.id, reason });
    }
    if (transfer.producer) this.#closeDrained(transfer.producer, reason === 'oversize' || reason === 'sender_left');
    if (reason !== 'sender_left') this.#notify(transfer.sender, 'fileEnded', { transferId: transfer.id, reason });
    this.#options.logger.debug({ transferId: transfer.id, reason }, 'file transfer ended');
  }

  /**
   * Closes an ended transfer's data producer only once its sender's data channel has drained (what
   * it had queued arrives and is dropped here: no consumer is left). Closing it resets the SCTP
   * stream; a reset while the sender still had messages queued or in flight on that stream stopped
   * the sender's whole association from sending anything more (wrtc, 5 of 8 runs: every later file
   * from that participant stalled at 0 bytes). The sender stops writing as soon as it knows the
   * transfer ended, so the stream goes quiet within a round trip or two of draining.
   */
  #closeDrained(producer: types.DataProducer, now: boolean): void {
    if (now || producer.closed) return producer.close();
    const { drainQuietMs, drainMaxMs } = this.#options;
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

  /** A sender that sends more than it declared loses its data producer (recipients stop at the size too). */
  #watchSize(transfer: Transfer, producer: types.DataProducer): void {
    const check = async () => {
      if (transfer.ended || producer.closed) return;
      try {
        const [stats] = await producer.getStats();
        if (stats && stats.bytesReceived > transfer.size) {
          this.#options.logger.warn({ transferId: transfer.id, peerId: transfer.sender.id, declared: transfer.size, received: stats.bytesReceived }, 'file sender exceeded its declared size');
          this.#end(transfer, 'oversize');
          return;
        }
      } catch {
        return; // closed meanwhile
      }
      this.#after(transfer, this.#options.sizeCheckMs, () => void check());
    };
    this.#after(transfer, this.#options.sizeCheckMs, () => void check());
  }

  #after(transfer: Transfer, ms: number, run: () => void): void {
    if (transfer.ended) return;
    const timer = setTimeout(() => {
      transfer.timers = transfer.timers.filter((t) => t !== timer);
      run();
    }, ms);
    timer.unref();
    transfer.timers.push(timer);
  }

  #notify<N extends NotificationName>(peer: Peer, name: N, data: NotificationData<N>): void {
    if (!peer.closed) peer.channel.notify(name, data);
  }
}
