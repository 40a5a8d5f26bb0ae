import type { types } from 'mediasoup';
import type { Logger } from '../logger';
import type { Peer, ProducerAppData } from '../Peer';
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
  logger: Logger;
}

/**
 * Media between this node and the other nodes serving one meeting, the way mediasoup's own
 * `pipeToRouter` does it but across hosts: per other node, one PipeTransport pair for each
 * direction (SRTP and RTX on both ends). The receiving node opens its end and asks the sender to
 * open and connect its end (`pipeOpen`); then, once per producer, it asks for the producer
 * (`pipeProducer`: the sender consumes it on its end) and produces it with the same id on its
 * own end. A piped producer closes with its origin (the room event), its node, or the room.
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
  #closed = false;

  constructor(deps: SpanPipesDeps) {
    this.#deps = deps;
  }

  get stats(): { inbound: number; outbound: number; pipedIn: number; pipedOut: number } {
    return { inbound: this.#inbound.size, outbound: this.#outbound.size, pipedIn: this.#piped.size, pipedOut: this.#sent.size };
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
    }
    return {
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      paused: consumer.producerPaused,
      peerId: local.peer.id,
      source: local.producer.appData.source,
    };
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
  }

  #createTransport(): Promise<types.PipeTransport> {
    const { ip, announcedAddress } = this.#deps.listen;
    return this.#deps.router().createPipeTransport({
      listenInfo: { protocol: 'udp', ip, ...(announcedAddress ? { announcedAddress } : {}) },
      enableSrtp: true,
      enableRtx: true,
      enableSctp: false,
      appData: { roomId: this.#deps.roomId },
    });
  }
}

function endOf(transport: types.PipeTransport): PipeEnd {
  const { tuple, srtpParameters } = transport;
  if (!srtpParameters) throw new Error('pipe transport without SRTP');
  return { ip: tuple.localAddress ?? tuple.localIp, port: tuple.localPort, srtpParameters };
}
