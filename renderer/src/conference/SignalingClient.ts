import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, NotificationData, RequestData, RequestName, ResponseData, ServerToClientEvents } from '../../../shared/protocol';
import { ConferenceError, ConnectionError } from './errors';
import { withTimeout } from './timeouts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Welcome = NotificationData<'welcome'>;

export const REQUEST_TIMEOUT_MS = 10_000;
export const CONNECT_TIMEOUT_MS = 8_000;
export const WELCOME_TIMEOUT_MS = 5_000;

/** The socket.io connection with typed, promise-returning requests. Reconnection is the Reconnector's job. */
export class SignalingClient {
  readonly socket: ClientSocket;
  /** How long one connection attempt may take (the Conference shortens it while rejoining). */
  connectTimeoutMs = CONNECT_TIMEOUT_MS;
  #welcome?: Promise<Welcome>;
  /** Fails the connection attempt in flight (see `abandonConnect`), and when it started. */
  #abandon?: (error: ConnectionError) => void;
  #connectStartedAt = 0;

  constructor(url: string) {
    this.socket = io(url, {
      path: '/socket.io',
      // Straight to WebSocket: the long-polling handshake would add round trips to every join.
      transports: ['websocket'],
      reconnection: false,
      autoConnect: false,
      timeout: CONNECT_TIMEOUT_MS,
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Connects (if needed). Bounded by socket.io's own connect timeout. */
  connect(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    this.socket.io.timeout(this.connectTimeoutMs);
    // The host greets every new connection with `welcome`: listen before connecting, so it cannot be missed.
    this.#welcome = new Promise<Welcome>((resolve) => this.socket.once('welcome', resolve));
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
        this.#abandon = undefined;
      };
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new ConnectionError('unreachable', 'host_unreachable', `Cannot reach the meeting host (${error.message})`, { cause: error }));
      };
      this.#connectStartedAt = Date.now();
      this.#abandon = (error) => {
        cleanup();
        this.socket.disconnect();
        reject(error);
      };
      this.socket.on('connect', onConnect);
      this.socket.on('connect_error', onError);
      this.socket.connect();
    });
  }

  /** The current connection's `welcome` (router capabilities); a typed timeout when the host never sends it. */
  welcome(timeoutMs = WELCOME_TIMEOUT_MS): Promise<Welcome> {
    if (!this.#welcome) return Promise.reject(new ConnectionError('disconnected', 'disconnected', 'not connected to the meeting host'));
    return withTimeout(this.#welcome, timeoutMs, () => ConnectionError.timeout('the host did not send its welcome', timeoutMs));
  }

  async request<N extends RequestName>(name: N, data: RequestData<N>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ResponseData<N>> {
    if (!this.socket.connected) throw new ConnectionError('disconnected', 'disconnected', 'not connected to the meeting host');
    let result: Ack<ResponseData<N>>;
    try {
      // The generic event map cannot express "ack type depends on N"; the schemas in shared/ do.
      const untyped = this.socket as unknown as Socket;
      result = (await untyped.timeout(timeoutMs).emitWithAck(name, data)) as Ack<ResponseData<N>>;
    } catch (error) {
      throw this.socket.connected
        ? new ConnectionError('timeout', 'timeout', `${name}: no answer from the host within ${timeoutMs} ms`, { cause: error })
        : new ConnectionError('disconnected', 'disconnected', `${name}: the connection to the host dropped`, { cause: error });
    }
    if (!result.ok) throw ConferenceError.fromProtocol(result.error);
    return result.data;
  }

  /** Whether the host answers within `timeoutMs` and still has our session: a dead path shows here long before socket.io's ping timeout. */
  async answers(timeoutMs: number): Promise<boolean> {
    if (!this.socket.connected) return false;
    try {
      const ack = (await (this.socket as unknown as Socket).timeout(timeoutMs).emitWithAck('ping', {})) as Ack<unknown>;
      return ack.ok; // not_joined: the host no longer has our session, so it is gone as well
    } catch {
      return false;
    }
  }

  /**
   * Gives up the connection attempt in flight, if any (it fails as unreachable): its TCP SYN went
   * out while the network was down and would only be retried after the kernel's backoff, so a fresh
   * attempt is quicker once the network is back. An attempt younger than `minAgeMs` went out on
   * the network as it is now and is kept (browsers report one change as several events).
   * Returns whether one was abandoned.
   */
  abandonConnect(minAgeMs = 0): boolean {
    const abandon = this.#abandon;
    if (!abandon || this.socket.connected || Date.now() - this.#connectStartedAt < minAgeMs) return false;
    abandon(new ConnectionError('unreachable', 'host_unreachable', 'Connection attempt abandoned: the network changed'));
    return true;
  }

  disconnect(): void {
    this.#welcome = undefined;
    this.socket.disconnect();
  }
}
