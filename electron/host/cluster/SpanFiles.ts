import type { types } from 'mediasoup';
import type { FileOffer, TransferEndReason } from '../../../shared/fileTransfer';
import type { Logger } from '../logger';
import type { Peer } from '../Peer';
import type { Room } from '../Room';
import { pipeSctpOptions, type DataConsumerAppData } from '../room/DataChannels';
import type { FileRelay } from '../room/FileRelay';
import type { RemoteRecipientEvent, RemoteRecipients } from '../room/RemoteRecipients';
import type { SpanArgs } from './spanMessages';
import type { Ask, SpanPipes } from './SpanPipes';

export interface SpanFilesDeps {
  room: Room;
  pipes: SpanPipes;
  ask: Ask;
  /** The node serving a participant of another node (undefined: none, or it is reconnecting there). */
  nodeOf: (peerId: string) => string | undefined;
  /** The other nodes' connected participants. */
  remoteIds: () => string[];
  logger: Logger;
}

/** A recipient here of a transfer another node relays. */
interface Incoming {
  origin: string;
  peer: Peer;
  dataProducerId: string;
  consumer: types.DataConsumer<DataConsumerAppData>;
}

/** Offering a file on another node waits on the pipe's set-up there: longer than a plain request. */
const OFFER_TIMEOUT_MS = 10_000;

const keyOf = (transferId: string, peerId: string) => `${transferId} ${peerId}`;

/**
 * Files between participants on different nodes of a meeting. The sender's node keeps relaying
 * the transfer (FileRelay: pacing by the slowest recipient, the size check, the end); for a
 * recipient on another node it asks that node (`fileOffer`) to pipe the transfer's data producer
 * in over the nodes' PipeTransport (SCTP, `SpanPipes.pipeDataIn`), consume it for the recipient
 * and offer it there, as a local transfer would be. The recipient's acknowledgements, result and
 * cancellation go back to the sender's node (`fileFromRecipient`); the hash and the end come to
 * it (`fileToRecipient`). A private file's bytes reach only the recipient's node.
 */
export class SpanFiles implements RemoteRecipients {
  readonly #deps: SpanFilesDeps;
  #relay?: Pick<FileRelay, 'remoteEvent'>;
  /** Sender's node: data producers of transfers with recipients elsewhere, by id. */
  readonly #outgoing = new Map<string, types.DataProducer>();
  /** Sender's node: the node of each remote recipient, by transfer and recipient. */
  readonly #recipients = new Map<string, string>();
  /** Recipient's node: transfers relayed by another node, by transfer and recipient. */
  readonly #incoming = new Map<string, Incoming>();
  /** Home-router copies of relayed data producers for recipients on another worker, by `${dataProducerId}:${routerId}`. */
  readonly #routerPipes = new Map<string, Promise<unknown>>();

  constructor(deps: SpanFilesDeps) {
    this.#deps = deps;
  }

  // ---- the sender's node (RemoteRecipients, used by FileRelay) ----------------------------------------

  bind(relay: Pick<FileRelay, 'remoteEvent'>): void {
    this.#relay = relay;
  }

  ids(toPeerId?: string): string[] {
    if (toPeerId !== undefined) return this.#deps.nodeOf(toPeerId) ? [toPeerId] : [];
    return this.#deps.remoteIds();
  }

  async start(offer: Omit<FileOffer, 'dataConsumer'>, producer: types.DataProducer, peerId: string): Promise<{ close(): void }> {
    const node = this.#deps.nodeOf(peerId);
    if (!node) throw new Error('that participant is no longer in the meeting');
    const key = keyOf(offer.transferId, peerId);
    this.#outgoing.set(producer.id, producer);
    producer.observer.once('close', () => this.#outgoing.delete(producer.id));
    this.#recipients.set(key, node);
    const { room } = this.#deps;
    try {
      await this.#deps.ask(node, 'fileOffer', { roomId: room.id, peerId, offer, dataProducerId: producer.id }, OFFER_TIMEOUT_MS);
    } catch (error) {
      this.#recipients.delete(key);
      throw error;
    }
    return { close: () => this.#tell(key, node, { roomId: room.id, transferId: offer.transferId, peerId, close: true }) };
  }

  notify(peerId: string, transferId: string, about: { sha256?: string; ended?: TransferEndReason }): void {
    const key = keyOf(transferId, peerId);
    const node = this.#recipients.get(key);
    if (!node) return;
    if (about.ended) this.#recipients.delete(key);
    this.#tell(key, node, { roomId: this.#deps.room.id, transferId, peerId, ...about });
  }

  #tell(key: string, node: string, args: SpanArgs<'fileToRecipient'>): void {
    if (args.close) this.#recipients.delete(key);
    this.#deps.ask(node, 'fileToRecipient', args).catch((error: unknown) => this.#deps.logger.debug({ node, err: (error as Error).message }, 'cluster: a file notice did not reach the recipient\'s node'));
  }

  /** A data producer relayed here, on the home router (where the pipe transports are), for `SpanPipes.pipeDataOut`. */
  async localDataProducer(dataProducerId: string): Promise<types.DataProducer | undefined> {
    const producer = this.#outgoing.get(dataProducerId);
    if (!producer || producer.closed) return undefined;
    const { room } = this.#deps;
    const sender = room.peers.get((producer.appData as { peerId?: string }).peerId ?? '');
    const from = sender ? room.media.routers.routerOf(sender)?.router : undefined;
    if (from) await this.#onRouter(producer.id, from, room.router);
    return producer;
  }

  /** From a recipient's node: what the recipient did (only for a recipient that node serves). */
  fromRecipient(from: string, { transferId, peerId, event }: SpanArgs<'fileFromRecipient'>): void {
    if (this.#recipients.get(keyOf(transferId, peerId)) !== from) return;
    if (event.kind === 'left') this.#recipients.delete(keyOf(transferId, peerId));
    this.#relay?.remoteEvent(peerId, transferId, event);
  }

  // ---- the recipient's node -------------------------------------------------------------------------

  /** The sender's node `from` offers a file to a participant here: take its data through the pipe and offer it. */
  async offer(from: string, { peerId, offer, dataProducerId }: SpanArgs<'fileOffer'>): Promise<void> {
    const { room, pipes } = this.#deps;
    const peer = room.peers.get(peerId);
    if (!peer || peer.closed) throw new Error('no such participant here');
    if (this.#deps.nodeOf(offer.fromPeerId) !== from) throw new Error('the sender is not served by the asking node');
    await pipes.pipeDataIn(from, dataProducerId);
    const to = room.media.routers.routerOf(peer)?.router;
    if (to) await this.#onRouter(dataProducerId, room.router, to);
    const consumer = await peer.recvTransport.consumeData<DataConsumerAppData>({ dataProducerId, appData: { peerId, transferId: offer.transferId } });
    const key = keyOf(offer.transferId, peerId);
    const incoming: Incoming = { origin: from, peer, dataProducerId, consumer };
    this.#incoming.set(key, incoming);
    // Closed under us (the recipient left, or the pipe went): the sender's node counts it out.
    consumer.observer.once('close', () => {
      if (this.#incoming.get(key) !== incoming) return;
      this.#forget(key);
      this.#toSender(incoming, offer.transferId, { kind: 'left' });
    });
    peer.channel.notify('fileOffered', {
      ...offer,
      dataConsumer: { id: consumer.id, dataProducerId, sctpStreamParameters: consumer.sctpStreamParameters!, label: consumer.label, protocol: consumer.protocol },
    });
  }

  /** From the sender's node: the hash, or the end, for a recipient here. */
  toRecipient(from: string, { transferId, peerId, sha256, ended, close }: SpanArgs<'fileToRecipient'>): void {
    const key = keyOf(transferId, peerId);
    const incoming = this.#incoming.get(key);
    if (!incoming || incoming.origin !== from) return;
    if (sha256) incoming.peer.channel.notify('fileHash', { transferId, sha256 });
    if (ended) incoming.peer.channel.notify('fileEnded', { transferId, reason: ended });
    if (ended || close) {
      this.#forget(key);
      incoming.consumer.close();
    }
  }

  /** FileRelay here, for a recipient's request about a transfer another node relays. */
  forward(peer: Peer, transferId: string, event: RemoteRecipientEvent): boolean {
    const incoming = this.#incoming.get(keyOf(transferId, peer.id));
    if (!incoming || incoming.peer !== peer) return false;
    this.#toSender(incoming, transferId, event);
    return true;
  }

  #toSender(incoming: Incoming, transferId: string, event: RemoteRecipientEvent): void {
    const args = { roomId: this.#deps.room.id, transferId, peerId: incoming.peer.id, event };
    this.#deps.ask(incoming.origin, 'fileFromRecipient', args).catch((error: unknown) => this.#deps.logger.debug({ node: incoming.origin, err: (error as Error).message }, 'cluster: a recipient\'s file notice did not reach the sender\'s node'));
  }

  /** A transfer is over for one recipient here: its piped data producer goes once no recipient here needs it. */
  #forget(key: string): void {
    const incoming = this.#incoming.get(key);
    if (!incoming) return;
    this.#incoming.delete(key);
    for (const other of this.#incoming.values()) if (other.dataProducerId === incoming.dataProducerId) return;
    this.#deps.pipes.closeData(incoming.dataProducerId);
  }

  /** The data producer made consumable on router `to` of this node (piped from `from` once: mediasoup closes the copy with it). */
  async #onRouter(dataProducerId: string, from: types.Router, to: types.Router): Promise<void> {
    if (from === to) return;
    const key = `${dataProducerId}:${to.id}`;
    let pipe = this.#routerPipes.get(key);
    if (!pipe) {
      pipe = from.pipeToRouter({ dataProducerId, router: to, ...pipeSctpOptions }).then(({ pipeDataProducer }) => pipeDataProducer?.observer.once('close', () => this.#routerPipes.delete(key)));
      this.#routerPipes.set(key, pipe);
      pipe.catch(() => this.#routerPipes.delete(key));
    }
    await pipe;
  }

  close(): void {
    for (const incoming of this.#incoming.values()) incoming.consumer.close();
    this.#incoming.clear();
    this.#outgoing.clear();
    this.#recipients.clear();
  }
}
