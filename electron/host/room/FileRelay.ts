import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { FileOffer, RecipientOutcome, TransferEndReason } from '../../../shared/fileTransfer';
import { limits } from '../../../shared/limits';
import type { NotificationData, NotificationName } from '../../../shared/protocol';
import { HostError } from '../errors';
import type { Logger } from '../logger';
import type { Peer } from '../Peer';
import { closeDrained, DataFanOut, SenderDrains, type DataConsumerAppData, type DataProducerAppData } from './DataChannels';
import type { RemoteRecipientEvent, RemoteRecipients } from './RemoteRecipients';
import type { RoomRouters } from './RoomRouters';

/** What the relay needs of its room. */
export interface FileRelayRoom {
  readonly peers: ReadonlyMap<string, Peer>;
  readonly routers: RoomRouters;
  /** Clustered, the meeting spanning nodes: recipients other nodes serve (cluster/SpanFiles). */
  readonly remote?: RemoteRecipients;
}

export interface FileRelayOptions {
  maxFileBytes: number;
  logger: Logger;
  /** The sender must start (produce its data) this soon after its offer; recipients must be ready this soon after. */
  startTimeoutMs?: number;
  /** How often the bytes a data producer received are checked against what its sender declared. */
  sizeCheckMs?: number;
  /** An ended transfer's data producer closes once its sender drained it and nothing arrived for this long (closeDrained)... */
  drainQuietMs?: number;
  /** ... or after this long at the latest (default limits.fileDrainMaxMs). */
  drainMaxMs?: number;
}

interface Recipient {
  id: string;
  /** Served here (absent: by another node of the meeting). */
  peer?: Peer;
  consumer?: Pick<types.DataConsumer<DataConsumerAppData>, 'close'>;
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

export type OfferRequest = Pick<Transfer, 'name' | 'size' | 'mimeType' | 'sealedMeta'> & { toPeerId?: string };

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
  readonly #drains = new SenderDrains();

  constructor(room: FileRelayRoom, options: FileRelayOptions) {
    this.#room = room;
    this.#options = { startTimeoutMs: 20_000, sizeCheckMs: 250, drainQuietMs: 500, drainMaxMs: limits.fileDrainMaxMs, ...options };
    room.remote?.bind(this);
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
    const remote = this.#room.remote?.ids(request.toPeerId) ?? [];
    if (request.toPeerId !== undefined) {
      const peer = this.#room.peers.get(request.toPeerId);
      if (peer === sender) throw new HostError('bad_request', 'cannot send a file to yourself');
      if (peer) recipients.set(peer.id, { id: peer.id, peer });
      else if (remote.includes(request.toPeerId)) recipients.set(request.toPeerId, { id: request.toPeerId });
      else throw new HostError('not_found', 'no such participant');
    } else {
      for (const peer of this.#room.peers.values()) if (peer !== sender) recipients.set(peer.id, { id: peer.id, peer });
      for (const id of remote) if (!recipients.has(id)) recipients.set(id, { id });
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

  #offerOf(transfer: Transfer): Omit<FileOffer, 'dataConsumer'> {
    const { id: transferId, sender, name, size, mimeType, sealedMeta } = transfer;
    const sealed = sealedMeta === undefined ? {} : { sealedMeta };
    return { transferId, fromPeerId: sender.id, displayName: sender.displayName, name, size, mimeType, ...sealed, private: transfer.private };
  }

  async #startRecipient(transfer: Transfer, fanOut: DataFanOut, recipient: Recipient): Promise<void> {
    const { peer } = recipient;
    if (!peer) return this.#startRemote(transfer, recipient);
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
        ...this.#offerOf(transfer),
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

  /** A recipient on another node: its node asks it to take the data there. */
  async #startRemote(transfer: Transfer, recipient: Recipient): Promise<void> {
    try {
      const end = await this.#room.remote!.start(this.#offerOf(transfer), transfer.producer!, recipient.id);
      if (transfer.ended || recipient.outcome) return end.close();
      recipient.consumer = end;
    } catch (error) {
      if (!transfer.ended) this.#options.logger.warn({ err: (error as Error).message, transferId: transfer.id, peerId: recipient.id }, 'could not offer a file to a participant on another node');
      this.#recipientEnded(transfer, recipient, 'failed');
    }
  }

  /** What a recipient on another node did, as its node reports it. */
  remoteEvent(peerId: string, transferId: string, event: RemoteRecipientEvent): void {
    const transfer = this.#transfers.get(transferId);
    const recipient = transfer?.recipients.get(peerId);
    if (!transfer || !recipient || recipient.peer || recipient.outcome) return;
    // Its node offered the file before answering, so this may come before the answer (recipient.consumer).
    if (event.kind === 'left') return this.#recipientEnded(transfer, recipient, 'left');
    if (event.kind === 'ack') this.#ack(transfer, recipient, event.received);
    else if (event.kind === 'result') this.#result(transfer, recipient, event.outcome);
    else this.#recipientEnded(transfer, recipient, 'cancelled');
  }

  /** A recipient here, of a transfer another node relays: sent there. */
  #forwarded(peer: Peer, transferId: string, event: RemoteRecipientEvent): boolean {
    return !this.#transfers.has(transferId) && this.#room.remote?.forward(peer, transferId, event) === true;
  }

  ack(peer: Peer, transferId: string, received: number): void {
    if (this.#forwarded(peer, transferId, { kind: 'ack', received })) return;
    const { transfer, recipient } = this.#asRecipient(peer, transferId);
    this.#ack(transfer, recipient, received);
  }

  #ack(transfer: Transfer, recipient: Recipient, received: number): void {
    if (received > transfer.size) throw new HostError('bad_request', 'more than the file size');
    if (recipient.acked !== undefined && received < recipient.acked) throw new HostError('bad_request', 'acknowledgements only go forward');
    recipient.acked = received;
    this.#progress(transfer);
  }

  sent(sender: Peer, transferId: string, sha256: string): void {
    const transfer = this.#own(sender, transferId);
    for (const recipient of this.#pending(transfer)) {
      if (recipient.peer) this.#notify(recipient.peer, 'fileHash', { transferId, sha256 });
      else this.#room.remote?.notify(recipient.id, transferId, { sha256 });
    }
  }

  result(peer: Peer, transferId: string, outcome: 'received' | 'corrupted'): void {
    if (this.#forwarded(peer, transferId, { kind: 'result', outcome })) return;
    const { transfer, recipient } = this.#asRecipient(peer, transferId);
    this.#result(transfer, recipient, outcome);
  }

  #result(transfer: Transfer, recipient: Recipient, outcome: 'received' | 'corrupted'): void {
    if (outcome === 'received' && recipient.acked !== transfer.size) throw new HostError('bad_request', 'not everything was acknowledged');
    this.#recipientEnded(transfer, recipient, outcome);
  }

  cancel(peer: Peer, transferId: string): void {
    const transfer = this.#transfers.get(transferId);
    if (transfer?.sender === peer) return this.#end(transfer, 'cancelled');
    if (this.#forwarded(peer, transferId, { kind: 'cancel' })) return;
    const { transfer: theirs, recipient } = this.#asRecipient(peer, transferId);
    this.#recipientEnded(theirs, recipient, 'cancelled');
  }

  /** The sender's side of an ended transfer's data channel drained (see closeDrained). */
  drained(sender: Peer, transferId: string): void {
    const live = this.#transfers.get(transferId);
    if (!live) return this.#drains.drained(sender, transferId);
    if (live.sender === sender) this.#drains.early(sender, transferId, this.#options.drainMaxMs);
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
    // Told first: closing a remote recipient's end forgets which node serves it.
    if (outcome === 'failed') this.#ended(recipient, transfer.id, 'timeout');
    recipient.consumer?.close();
    this.#notify(transfer.sender, 'fileRecipientEnded', { transferId: transfer.id, peerId: recipient.id, outcome });
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
      if (recipient.consumer) this.#ended(recipient, transfer.id, reason);
      recipient.consumer?.close();
    }
    const now = reason === 'oversize' || reason === 'sender_left';
    if (transfer.producer) closeDrained(transfer.producer, now, this.#options, now ? undefined : this.#drains.wait(transfer.id, transfer.sender, this.#options.drainMaxMs));
    if (reason !== 'sender_left') this.#notify(transfer.sender, 'fileEnded', { transferId: transfer.id, reason });
    this.#options.logger.debug({ transferId: transfer.id, reason }, 'file transfer ended');
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

  /** Tells a recipient its transfer ended (one on another node through its node, which then closes its consumer there). */
  #ended(recipient: Recipient, transferId: string, reason: TransferEndReason): void {
    if (recipient.peer) this.#notify(recipient.peer, 'fileEnded', { transferId, reason });
    else this.#room.remote?.notify(recipient.id, transferId, { ended: reason });
  }

  #notify<N extends NotificationName>(peer: Peer, name: N, data: NotificationData<N>): void {
    if (!peer.closed) peer.channel.notify(name, data);
  }
}
