import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { Ack } from '../../shared/protocol';

/**
 * A bare socket.io client that can send anything — the shape a hostile or buggy client would.
 * Resolves with the host's ack, whatever it is.
 */
export interface RawClient {
  socket: Socket;
  welcome: Promise<{ routerRtpCapabilities: Record<string, unknown> }>;
  request(name: string, ...args: unknown[]): Promise<Ack<any>>;
  close(): void;
}

export async function rawClient(baseUrl: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<RawClient> {
  const socket = io(baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  const welcome = new Promise<{ routerRtpCapabilities: Record<string, unknown> }>((resolve) => socket.once('welcome', resolve));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    welcome,
    request: (name, ...args) => socket.timeout(5_000).emitWithAck(name, ...args) as Promise<Ack<any>>,
    close: () => socket.disconnect(),
  };
}
