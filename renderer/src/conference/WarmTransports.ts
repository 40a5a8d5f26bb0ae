import type { Device } from 'mediasoup-client';
import type { JoinAnswer } from './JoinHandshake';
import { MediaTransports, waitUntilConnected } from './MediaTransports';
import type { SignalingClient } from './SignalingClient';

/** Longest the lobby waits for its prepared receive transport to connect. */
export const WARM_CONNECT_TIMEOUT_MS = 10_000;

/**
 * SCTP stream of the throwaway data channel that makes the receive transport connect. mediasoup-client
 * connects a transport (DTLS) only on its first consume; a client-side-only data consumer is the one
 * consume that needs nothing from the host. The host's own data consumers take stream ids from 0 up,
 * and the channel is closed once connected, so this id is free again long before the host could use it.
 */
export const WARM_UP_STREAM_ID = 1023;

/**
 * The lobby's transports: asked of the host for the meeting the user is about to join, created, and
 * the receive one connected (ICE and DTLS) before Join is pressed. The join then asks the host to
 * take them over; the session adopts them when the answer names them, so the first remote frame does
 * not wait for a handshake. Without end-to-end encryption only: an encrypting client sets its
 * transports up with the participant id the join gives it.
 */
export class WarmTransports {
  readonly #signaling: SignalingClient;
  #current?: { roomId: string; transports: MediaTransports };
  #pending?: { roomId: string; promise: Promise<boolean> };
  #generation = 0;

  constructor(signaling: SignalingClient) {
    this.#signaling = signaling;
  }

  /** Whether a join into `roomId` should ask for them (`allowed`: not a rejoin, not encrypting); if not, they go. */
  claim(roomId: string, allowed: boolean): boolean {
    if (allowed && this.#has(roomId)) return true;
    this.close();
    return false;
  }

  /** Prepares (once per meeting) and resolves true when the receive transport is connected. Never rejects. */
  prepare(device: Device, roomId: string, options: { tcpOnly: boolean }): Promise<boolean> {
    if (this.#pending?.roomId === roomId) return this.#pending.promise;
    if (this.#has(roomId)) return waitUntilConnected(this.#current!.transports.recv, WARM_CONNECT_TIMEOUT_MS);
    this.close();
    const generation = this.#generation;
    const promise = this.#prepare(device, roomId, options, generation)
      .catch(() => false)
      .finally(() => {
        if (this.#pending?.promise === promise) this.#pending = undefined;
      });
    this.#pending = { roomId, promise };
    return promise;
  }

  /** The prepared transports if the join answer names them (the host took them over); otherwise they are closed. */
  take(answer: Pick<JoinAnswer, 'sendTransport' | 'recvTransport'>): MediaTransports | undefined {
    const current = this.#current;
    this.#current = undefined;
    this.close(); // whatever is still being prepared
    if (!current || current.transports.closed) return undefined;
    const { send, recv } = current.transports;
    if (send.id === answer.sendTransport.id && recv.id === answer.recvTransport.id) return current.transports;
    current.transports.close();
    return undefined;
  }

  close(): void {
    this.#generation++;
    this.#pending = undefined;
    this.#current?.transports.close();
    this.#current = undefined;
  }

  /** Prepared for `roomId` and not lost. */
  #has(roomId: string): boolean {
    return this.#current?.roomId === roomId && !this.#current.transports.closed;
  }

  async #prepare(device: Device, roomId: string, options: { tcpOnly: boolean }, generation: number): Promise<boolean> {
    const { prepared } = await this.#signaling.request('prepareTransports', { roomId });
    if (!prepared || generation !== this.#generation) return false;
    const transports = new MediaTransports(device, this.#signaling, {
      send: prepared.sendTransport,
      recv: prepared.recvTransport,
      iceServers: prepared.iceServers,
      tcpOnly: options.tcpOnly,
      // Lost before a join took them over: forget them (the join makes new ones).
      onLost: () => {
        if (this.#current?.transports === transports) this.close();
      },
    });
    this.#current = { roomId, transports };
    try {
      const warmUp = await transports.recv.consumeData({ id: 'warm-up', dataProducerId: 'warm-up', sctpStreamParameters: { streamId: WARM_UP_STREAM_ID, ordered: true } });
      const connected = await waitUntilConnected(transports.recv, WARM_CONNECT_TIMEOUT_MS);
      warmUp.close();
      return connected && this.#current?.transports === transports;
    } catch {
      // Could not start the handshake here (e.g. no data channels): the join makes its own transports.
      if (this.#current?.transports === transports) this.close();
      return false;
    }
  }
}
