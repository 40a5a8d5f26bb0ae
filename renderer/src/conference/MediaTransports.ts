import type { Device, types } from 'mediasoup-client';
import type { MediaSource, TransportOptions } from '../../../shared/protocol';
import { ConnectionError } from './errors';
import type { MediaEncryption } from './MediaEncryption';
import type { SignalingClient } from './SignalingClient';

export const ICE_RESTART_GRACE_MS = 6_000;
/** connectTransport and produce asked at most this often when their answers time out. */
const ATTEMPTS = 3;

/** Resolves true once `transport` is connected, false after `ms`; its listener never outlives the wait. */
export function waitUntilConnected(transport: types.Transport, ms: number): Promise<boolean> {
  if (transport.connectionState === 'connected') return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const done = (result: boolean) => {
      clearTimeout(timer);
      transport.off('connectionstatechange', onChange);
      resolve(result);
    };
    const onChange = (state: types.ConnectionState) => {
      if (state === 'connected') done(true);
      else if (state === 'closed') done(false);
    };
    const timer = setTimeout(() => done(transport.connectionState === 'connected'), ms);
    transport.on('connectionstatechange', onChange);
  });
}

/**
 * The session's two WebRTC transports, wired to signaling: DTLS connect, produce, and ICE recovery.
 * A failed transport gets one ICE restart; if it is not back within the grace period, `onLost`
 * is told (the Conference then rejoins).
 */
export class MediaTransports {
  readonly send: types.Transport;
  readonly recv: types.Transport;
  readonly #signaling: SignalingClient;
  #onLost: (reason: string) => void;
  readonly #recovering = new Set<types.Transport>();
  /** Errors the host answered a `produce` with: mediasoup-client undoes such a sender itself. */
  readonly #produceRefusals = new WeakSet<object>();
  #closed = false;

  constructor(
    device: Device,
    signaling: SignalingClient,
    options: {
      send: TransportOptions;
      recv: TransportOptions;
      iceServers: RTCIceServer[];
      onLost(reason: string): void;
      tcpOnly?: boolean;
      /** End-to-end encryption of this session's media, sent as `localParticipantId`. */
      encryption?: { media?: MediaEncryption; localParticipantId: string };
    },
  ) {
    this.#signaling = signaling;
    this.#onLost = (reason) => options.onLost(reason);
    const encryption = options.encryption?.media;
    encryption?.setLocalParticipant(options.encryption!.localParticipantId);
    const common = (transport: TransportOptions) => {
      const opts = { ...(transport as unknown as types.TransportOptions), iceServers: options.iceServers };
      if (encryption) opts.additionalSettings = { ...opts.additionalSettings, ...(encryption.peerConnectionSettings as Partial<RTCConfiguration>) };
      // UDP to the host was found blocked (NetworkWatcher): offer ICE only the host's TCP candidates.
      if (options.tcpOnly) opts.iceCandidates = opts.iceCandidates.filter((candidate) => candidate.protocol === 'tcp');
      return opts;
    };
    this.recv = device.createRecvTransport(common(options.recv));
    this.send = device.createSendTransport(common(options.send));
    this.#wire(this.recv);
    this.#wire(this.send);
    this.send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const request = { transportId: this.send.id, kind, rtpParameters, source: appData.source as MediaSource, paused: appData.paused === true };
      this.#askAgainOnTimeout(this.send, () => this.#signaling.request('produce', request)).then(
        ({ producerId }) => callback({ id: producerId }),
        (error: Error) => {
          this.#produceRefusals.add(error);
          errback(error);
        },
      );
    });
  }

  /**
   * Whether `error`, from `send.produce()`, left the send side unusable. mediasoup-client adds the
   * track's transceiver before it connects the transport and applies the SDP, and keeps it when
   * either fails: every later produce on this transport then fails ("The order of m-lines in answer
   * doesn't match order in offer"). Errors it throws before touching the PeerConnection (a closed
   * transport, an ended track, parameters it cannot send) and the host's refusal of the producer
   * (after which it removes the sender itself) leave it usable.
   */
  sendSpoiledBy(error: unknown): boolean {
    if (this.#closed || this.send.closed) return false;
    if (typeof error === 'object' && error !== null && this.#produceRefusals.has(error)) return false;
    const name = (error as Error | undefined)?.name;
    return !(error instanceof TypeError) && name !== 'UnsupportedError' && name !== 'InvalidStateError';
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Who is told when the transports are lost (prepared ones change hands when a join adopts them). */
  set onLost(onLost: (reason: string) => void) {
    this.#onLost = onLost;
  }

  /** ICE restart on every transport that is not connected, or on `which` (diagnostics, network change). */
  async restartIce(which: 'send' | 'recv' | 'both' = 'both'): Promise<boolean> {
    const targets = which === 'both' ? [this.send, this.recv] : [which === 'send' ? this.send : this.recv];
    const results = await Promise.all(targets.map((transport) => this.#restart(transport)));
    return results.every(Boolean);
  }

  close(): void {
    this.#closed = true;
    this.send.close();
    this.recv.close();
  }

  #wire(transport: types.Transport): void {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#connect(transport, dtlsParameters).then(() => callback(), errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed') void this.#recover(transport);
    });
  }

  /**
   * Tells the host our DTLS parameters. A failed connect fails the consume that set the transport
   * up after its SDP was applied, and mediasoup-client keeps that consume's media section: the
   * host's next offer of the consumer then repeats its mid ("Duplicate a=mid") and the receive side
   * has to be rebuilt (bench:room-scale, 50 participants on two cores).
   */
  async #connect(transport: types.Transport, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.#askAgainOnTimeout(transport, () => this.#signaling.request('connectTransport', { transportId: transport.id, dtlsParameters }));
  }

  /**
   * A request whose answer timed out is asked again (at most ATTEMPTS times): the host did it and
   * answers the same request again like the first (connectOnce; a produce of the same track), so
   * a slow answer does not leave the host with a transport or producer this side gave up on.
   */
  async #askAgainOnTimeout<T>(transport: types.Transport, ask: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ask();
      } catch (error) {
        const timedOut = error instanceof ConnectionError && error.reason === 'timeout';
        if (!timedOut || attempt >= ATTEMPTS || this.#closed || transport.closed) throw error;
      }
    }
  }

  async #recover(transport: types.Transport): Promise<void> {
    // One recovery per transport at a time: a flapping transport must not stack restarts.
    if (this.#closed || transport.closed || this.#recovering.has(transport)) return;
    this.#recovering.add(transport);
    try {
      if (await this.#restart(transport)) return;
      if (!this.#closed && !transport.closed) this.#onLost('media connection failed');
    } finally {
      this.#recovering.delete(transport);
    }
  }

  async #restart(transport: types.Transport): Promise<boolean> {
    try {
      const { iceParameters } = await this.#signaling.request('restartIce', { transportId: transport.id });
      if (this.#closed || transport.closed) return false;
      await transport.restartIce({ iceParameters: iceParameters });
      return await waitUntilConnected(transport, ICE_RESTART_GRACE_MS);
    } catch {
      return false;
    }
  }
}
