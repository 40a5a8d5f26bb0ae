import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, RequestData, RequestName, ResponseData, ServerToClientEvents } from '../../../shared/protocol';
import { ConferenceError } from './errors';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const REQUEST_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 8_000;

/** The socket.io connection with typed, promise-returning requests. Reconnection is Conference's job. */
export class SignalingClient {
  readonly socket: ClientSocket;

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

  /** `timeoutMs`: how long one attempt may take (shorter while rejoining: a host that is back answers fast). */
  connect(timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    this.socket.io.timeout(timeoutMs);
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
      };
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new ConferenceError('host_unreachable', `Cannot reach the meeting host (${error.message})`, { cause: error }));
      };
      this.socket.on('connect', onConnect);
      this.socket.on('connect_error', onError);
      this.socket.connect();
    });
  }

  async request<N extends RequestName>(name: N, data: RequestData<N>): Promise<ResponseData<N>> {
    if (!this.socket.connected) throw new ConferenceError('disconnected', 'not connected to the meeting host');
    let result: Ack<ResponseData<N>>;
    try {
      // The generic event map cannot express "ack type depends on N"; the schemas in shared/ do.
      const untyped = this.socket as unknown as Socket;
      result = (await untyped.timeout(REQUEST_TIMEOUT_MS).emitWithAck(name, data)) as Ack<ResponseData<N>>;
    } catch (error) {
      throw new ConferenceError(this.socket.connected ? 'timeout' : 'disconnected', `${name}: no answer from the host`, { cause: error });
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

  disconnect(): void {
    this.socket.disconnect();
  }
}
