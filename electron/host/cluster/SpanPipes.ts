import type { types } from 'mediasoup';
import type { Logger } from '../logger';
import type { Peer, ProducerAppData } from '../Peer';
import { closeDrained, pipeSctpOptions } from '../room/DataChannels';
import { RemoteValve } from './RemoteValve';
import type { PipeEnd, SpanAnswer, SpanArgs, SpanOp } from './spanMessages';

/** Where this node's pipe transports listen: its LAN/public address (ROUNDTABLE_LISTEN_IP / ANNOUNCED_IP). */
export interface PipeListen {
  ip: string;
  announcedAddress?: string;
}

export type Ask = <O extends SpanOp>(nodeId: string, op: O, args: SpanArgs<O>, timeoutMs?: number) => Promise<SpanAnswer<O>>;

export interface SpanPipesDeps {
  roomId: string;
  /** The room's home router on this node: pipe transports live there. */
  router: () => types.Router;
  listen: PipeListen;
  ask: Ask;
  /** A local participant's producer of this room, made consumable on the home router. */
  localProducer: (producerId: string) => Promise<{ peer: Peer; producer: types.Producer<ProducerAppData> } | undefined>;
  /** A file transfer's data producer relayed here, made consumable on the home router (SpanFiles). */
  localDataProducer: (dataProducerId: string) => Promise<types.DataProducer | undefined>;
  logger: Logger;
}

/**
 * Media between this node and the other nodes serving one meeting, the way mediasoup's own
 * `pipeToRouter` does it but across hosts: per other node, one PipeTransport pair for each
 * direction (SRTP and RTX on both ends). The receiving node opens its end and asks the sender to
 * open and connect its end (`pipeOpen`); then, once per producer, it asks for the producer
 * (`pipeProducer`: the sender consumes it on its end) and produces it with the same id on its
 * own end. A piped producer closes with its origin (the room event), its node, or the room.
 * File transfers' data producers go the same way over SCTP on the same transports (`pipeDataIn`).
 */
export class SpanPipes {
  readonly #deps: SpanPipesDeps;
  /** Receiving ends, by sending node. */
  readonly #inbound = new Map<string, Promise<types.PipeTransport>>();
  /** Sending ends, by receiving node. */
  readonly #outbound = new Map<string, types.PipeTransport>();
  /** Producers piped in (or on their way), by producer id. */
  readonly #piped = new Map<string, Promise<types.Producer<ProducerAppData> | undefined>>();
  /** Pipe consumers on sending ends, by `${producerId}:${nodeId}`. */
  readonly #sent = new Map<string, types.Consumer>();
  /** Data producers piped in (or on their way), by id. */
  readonly #pipedData = new Map<string, Promise<types.DataProducer>>();
  #closed = false;

  constructor(deps: SpanPipesDeps) {
    this.#deps = deps;
  }

  /** `sendingPaused`: producers piped out that the far node forwards to nobody now (not sent). */
  get stats(): { inbound: number; outbound: number; pipedIn: number; pipedOut: number; sendingPaused: number } {
    const sendingPaused = [...this.#sent.values()].filter((consumer) => consumer.paused).length;
    return { inbound: this.#inbound.size, outbound: this.#outbound.size, pipedIn: this.#piped.size, pipedOut: this.#sent.size, sendingPaused };
  }

  has(producerId: string): boolean {
    return this.#piped.has(producerId);
  }

  /** Pipes `producerId` in from `nodeId`; undefined when it is already piped (or on its way) or ended meanwhile. */
  async pipeIn(nodeId: string, producerId: string): Promise<types.Producer<ProducerAppData> | undefined> {
    if (this.#piped.has(producerId) || this.#closed) return undefined;
    const pending = this.#produce(nodeId, producerId);
    this.#piped.set(producerId, pending);
    try {
      const producer = await pending;
      if (!producer) this.#forget(producerId, pending);
      return producer;
    } catch (error) {
      this.#forget(producerId, pending);
      throw error;
    }
  }

  async #produce(nodeId: string, producerId: string): Promise<types.Producer<ProducerAppData> | undefined> {
    const transport = await this.#inboundFrom(nodeId);
    const answer = await this.#deps.ask(nodeId, 'pipeProducer', { roomId: this.#deps.roomId, producerId });
    if (transport.closed) return undefined;
    const producer = await transport.produce<ProducerAppData>({
      id: producerId,
      kind: answer.kind,
      rtpParameters: answer.rtpParameters as unknown as types.RtpParameters,
      paused: answer.paused,
      appData: { peerId: answer.peerId, source: answer.source },
    });
    const pending = this.#piped.get(producerId);
    producer.observer.once('close', () => {
      if (pending) this.#forget(producerId, pending);
    });
    return producer;
  }

  /** What `nodeId` sends here of `producer` (piped in from it), as a valve: for video; a mic always flows (see RemoteValve). */
  valveFor(nodeId: string, producer: types.Producer): RemoteValve | undefined {
    if (producer.kind !== 'video') return undefined;
    return new RemoteValve(producer, async (flowing) => {
      await this.#deps.ask(nodeId, 'pipeDemand', { roomId: this.#deps.roomId, producerId: producer.id, flowing });
    });
  }

  #forget(producerId: string, pending: Promise<unknown>): void {
    if (this.#piped.get(producerId) === pending) this.#piped.delete(producerId);
  }

  #inboundFrom(nodeId: string): Promise<types.PipeTransport> {
    let pending = this.#inbound.get(nodeId);
    if (!pending) {
      const opening = this.#openInbound(nodeId);
      pending = opening;
      this.#inbound.set(nodeId, opening);
      opening.then(
        (transport) => transport.observer.once('close', () => this.#inbound.get(nodeId) === opening && this.#inbound.delete(nodeId)),
        () => this.#inbound.get(nodeId) === opening && this.#inbound.delete(nodeId),
      );
    }
    return pending;
  }

  async #openInbound(nodeId: string): Promise<types.PipeTransport> {
    const transport = await this.#createTransport();
    try {
      const far = await this.#deps.ask(nodeId, 'pipeOpen', { roomId: this.#deps.roomId, end: endOf(transport) });
      await transport.connect({ ip: far.ip, port: far.port, srtpParameters: far.srtpParameters });
      if (this.#closed) throw new Error('room closed');
    } catch (error) {
      transport.close();
      throw error;
    }
    this.#deps.logger.info({ nodeId, transportId: transport.id }, 'cluster: receiving pipe from node open');
    return transport;
  }

  /** The sending end towards `nodeId` (replacing an older one: the far node opened a new receiving end). */
  async openOutbound(nodeId: string, far: PipeEnd): Promise<PipeEnd> {
    if (this.#closed) throw new Error('room closed here');
    this.#outbound.get(nodeId)?.close();
    const transport = await this.#createTransport();
    try {
      await transport.connect({ ip: far.ip, port: far.port, srtpParameters: far.srtpParameters });
    } catch (error) {
      transport.close();
      throw error;
    }
    this.#outbound.set(nodeId, transport);
    transport.observer.once('close', () => this.#outbound.get(nodeId) === transport && this.#outbound.delete(nodeId));
    return endOf(transport);
  }

  /** Sends a local producer to `nodeId` (once; again answers the same parameters). */
  async pipeOut(nodeId: string, producerId: string): Promise<SpanAnswer<'pipeProducer'>> {
    const transport = this.#outbound.get(nodeId);
    if (!transport || transport.closed) throw new Error('no pipe to that node');
    const key = `${producerId}:${nodeId}`;
    let consumer = this.#sent.get(key);
    const local = await this.#deps.localProducer(producerId);
    if (!local) throw new Error('no such producer here');
    if (!consumer || consumer.closed) {
      const created = await transport.consume({ producerId });
      this.#sent.set(key, created);
      created.observer.once('close', () => this.#sent.get(key) === created && this.#sent.delete(key));
      consumer = created;
    } else if (consumer.paused) {
      // Asked again (the far node piped it in anew): it starts flowing, as a new pipe does.
      await consumer.resume();
    }
    return {
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      paused: consumer.producerPaused,
      peerId: local.peer.id,
      source: local.producer.appData.source,
    };
  }

  /** Sends `producerId` down the pipe to `nodeId`, or stops: whether anyone there forwards it (`pipeDemand`). */
  async setSending(nodeId: string, producerId: string, flowing: boolean): Promise<void> {
    const consumer = this.#sent.get(`${producerId}:${nodeId}`);
    if (!consumer || consumer.closed) throw new Error('that producer is not piped to that node');
    if (flowing && consumer.paused) await consumer.resume();
    else if (!flowing && !consumer.paused) await consumer.pause();
  }

  /** Pipes a data producer (a file transfer's) in from `nodeId`, once: its SCTP stream on the receiving end. */
  pipeDataIn(nodeId: string, dataProducerId: string): Promise<types.DataProducer> {
    let pending = this.#pipedData.get(dataProducerId);
    if (!pending) {
      const producing = this.#produceData(nodeId, dataProducerId);
      pending = producing;
      this.#pipedData.set(dataProducerId, producing);
      const forget = () => this.#pipedData.get(dataProducerId) === producing && this.#pipedData.delete(dataProducerId);
      producing.then((producer) => producer.observer.once('close', forget), forget);
    }
    return pending;
  }

  async #produceData(nodeId: string, dataProducerId: string): Promise<types.DataProducer> {
    const transport = await this.#inboundFrom(nodeId);
    const answer = await this.#deps.ask(nodeId, 'pipeDataProducer', { roomId: this.#deps.roomId, dataProducerId });
    if (transport.closed) throw new Error('the pipe closed');
    const { streamId } = answer.sctpStreamParameters;
    const producer = await transport.produceData({ id: dataProducerId, sctpStreamParameters: { streamId, ordered: true }, label: answer.label, protocol: answer.protocol });
    await sctpConnected(transport).catch((error: unknown) => {
      producer.close();
      throw error;
    });
    return producer;
  }

  /**
   * The data producer piped in from another node is no longer needed here. Closed once nothing
   * arrives on it any more: resetting its SCTP stream while the other node still sends on it
   * stalls that node's whole association (as with a sender's own data channel, see FileRelay).
   */
  closeData(dataProducerId: string): void {
    const pending = this.#pipedData.get(dataProducerId);
    this.#pipedData.delete(dataProducerId);
    void pending?.then((producer) => closeDrained(producer, false, DATA_DRAIN), () => undefined);
  }

  /** Sends a data producer relayed here down the pipe to `nodeId` (its pipe data consumer closes with it). */
  async pipeDataOut(nodeId: string, dataProducerId: string): Promise<SpanAnswer<'pipeDataProducer'>> {
    const transport = this.#outbound.get(nodeId);
    if (!transport || transport.closed) throw new Error('no pipe to that node');
    if (!(await this.#deps.localDataProducer(dataProducerId))) throw new Error('no such data producer here');
    const consumer = await transport.consumeData({ dataProducerId });
    // The pipe's SCTP association starts with its first data consumer; what is sent before it is up is lost.
    await sctpConnected(transport).catch((error: unknown) => {
      consumer.close();
      throw error;
    });
    return { sctpStreamParameters: { ...consumer.sctpStreamParameters! }, label: consumer.label, protocol: consumer.protocol };
  }

  /** Mirrors the origin's pause on a piped producer (the pipe consumer stops sending; consumers here must say so). */
  setPaused(producerId: string, paused: boolean): void {
    void this.#piped
      .get(producerId)
      ?.then(async (producer) => {
        if (producer && !producer.closed && producer.paused !== paused) await (paused ? producer.pause() : producer.resume());
      })
      .catch(() => undefined);
  }

  closeProducer(producerId: string): void {
    const pending = this.#piped.get(producerId);
    this.#piped.delete(producerId);
    void pending?.then((producer) => producer?.close(), () => undefined);
  }

  /** Everything to and from `nodeId` (it left the room or died). */
  dropNode(nodeId: string): void {
    void this.#inbound.get(nodeId)?.then((transport) => transport.close(), () => undefined);
    this.#inbound.delete(nodeId);
    this.#outbound.get(nodeId)?.close();
    this.#outbound.delete(nodeId);
  }

  close(): void {
    this.#closed = true;
    for (const nodeId of new Set([...this.#inbound.keys(), ...this.#outbound.keys()])) this.dropNode(nodeId);
    this.#piped.clear();
    this.#sent.clear();
    this.#pipedData.clear();
  }

  #createTransport(): Promise<types.PipeTransport> {
    const { ip, announcedAddress } = this.#deps.listen;
    return this.#deps.router().createPipeTransport({
      listenInfo: { protocol: 'udp', ip, ...(announcedAddress ? { announcedAddress } : {}) },
      enableSrtp: true,
      enableRtx: true,
      // SCTP for file transfers (pipeDataIn). mediasoup carries it in the clear: SRTP covers RTP only.
      enableSctp: true,
      ...pipeSctpOptions,
      appData: { roomId: this.#deps.roomId },
    });
  }
}

/** A piped data producer closes after this much quiet (or this long at most). */
const DATA_DRAIN = { drainQuietMs: 500, drainMaxMs: 5_000 };

/** How long a new pipe's SCTP association may take to come up. */
const SCTP_CONNECT_MS = 3_000;

/**
 * Resolves once the pipe's SCTP association is up. mediasoup starts it with the pipe's first data
 * producer or consumer (not at connect), and drops messages sent before it is up: a file's first
 * chunks were lost between nodes under load, and the recipient failed.
 */
function sctpConnected(transport: types.PipeTransport): Promise<void> {
  if (transport.closed) return Promise.reject(new Error('the pipe closed'));
  if (transport.sctpState === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      transport.off('sctpstatechange', onState);
      transport.observer.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onState = (state: string) => {
      if (state === 'connected') done();
      else if (state === 'failed' || state === 'closed') done(new Error(`the pipe's SCTP association ${state}`));
    };
    const onClose = () => done(new Error('the pipe closed'));
    const timer = setTimeout(() => done(new Error('the pipe\'s SCTP association did not come up')), SCTP_CONNECT_MS);
    transport.on('sctpstatechange', onState);
    transport.observer.once('close', onClose);
  });
}

function endOf(transport: types.PipeTransport): PipeEnd {
  const { tuple, srtpParameters } = transport;
  if (!srtpParameters) throw new Error('pipe transport without SRTP');
  return { ip: tuple.localAddress ?? tuple.localIp, port: tuple.localPort, srtpParameters };
}
