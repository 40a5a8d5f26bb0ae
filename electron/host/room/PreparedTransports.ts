import type { types } from 'mediasoup';
import type { RoomRouter } from './RoomRouters';

/**
 * A lobby connection's transports, made on the meeting's router before it joins (`prepareTransports`),
 * so ICE and DTLS are done by the time the user presses Join. Until a join adopts them nothing can
 * be produced or consumed on them; whoever holds them releases them when the connection goes, the
 * join uses other ones, or a newer pair replaces them.
 */
export class PreparedTransports {
  readonly roomId: string;
  readonly placed: RoomRouter;
  readonly send: types.WebRtcTransport;
  readonly recv: types.WebRtcTransport;
  readonly #release: (placed: RoomRouter) => void;
  #settled = false;

  constructor(init: { roomId: string; placed: RoomRouter; send: types.WebRtcTransport; recv: types.WebRtcTransport; release: (placed: RoomRouter) => void }) {
    this.roomId = init.roomId;
    this.placed = init.placed;
    this.send = init.send;
    this.recv = init.recv;
    this.#release = init.release;
  }

  /** Still whole: neither transport closed (its router or worker gone) and not released or adopted. */
  get usable(): boolean {
    return !this.#settled && !this.send.closed && !this.recv.closed && !this.placed.router.closed;
  }

  owns(transportId: string): types.WebRtcTransport | undefined {
    if (this.#settled) return undefined;
    if (this.send.id === transportId) return this.send;
    if (this.recv.id === transportId) return this.recv;
    return undefined;
  }

  /** A join takes them over: from now on participant `peerId` owns the transports and the placement. */
  adopt(peerId: string): { transports: [types.WebRtcTransport, types.WebRtcTransport]; placed: RoomRouter } {
    if (!this.usable) throw new Error('prepared transports are no longer usable');
    this.#settled = true;
    this.send.appData.peerId = this.recv.appData.peerId = peerId;
    return { transports: [this.send, this.recv], placed: this.placed };
  }

  /** Not used: closes both transports and gives the placement back. Idempotent; a no-op once adopted. */
  release(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.send.close();
    this.recv.close();
    this.#release(this.placed);
  }
}
