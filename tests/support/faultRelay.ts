import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io, type Socket } from 'socket.io-client';

/**
 * A real socket.io server between a client and the real host that forwards everything both ways,
 * except what a test tells it to break: the misbehaving-server half of a fault test.
 */
export interface FaultRules {
  /** Host → client events never delivered (e.g. 'welcome'). */
  dropFromHost?: string[];
  /** Client requests never answered (the host still gets them unless listed in `swallow`). */
  neverAnswer?: string[];
  /** Holds the host's ack for a client request this long (ms) before the client sees it. */
  delayAnswerMs?: (request: string, data: unknown) => number;
  /** Rewrites a host → client event's payload (a notification or a host request like newConsumers). */
  rewriteFromHost?: (event: string, data: any) => any;
  /** Rewrites the host's ack for a client request before the client sees it. */
  rewriteAnswer?: (request: string, ack: any) => any;
}

export interface FaultRelay {
  url: string;
  /** Every client → host request name, in order. */
  requests: string[];
  /** While on, nothing the host sends reaches the client (a downlink that died without a word). */
  silenceFromHost(on: boolean): void;
  /** Every connection through the relay breaks at once, as a dead path does (both ends see 'transport close'); silence ends. */
  cut(): void;
  /** While on, new connections are refused (a host too busy, or not reachable yet). */
  refuseConnections(on: boolean): void;
  close(): Promise<void>;
}

export async function startFaultRelay(hostUrl: string, rules: FaultRules = {}): Promise<FaultRelay> {
  const server = http.createServer();
  const ioServer = new Server(server, { transports: ['websocket'] });
  const requests: string[] = [];
  const upstreams = new Set<Socket>();
  const clients = new Set<ServerSocket>();
  let silenced = false;
  let refusing = false;
  ioServer.use((_socket, next) => next(refusing ? new Error('refused by the fault relay') : undefined));

  ioServer.on('connection', (client: ServerSocket) => {
    const upstream = io(hostUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
    upstreams.add(upstream);
    clients.add(client);
    const pending: [string, unknown[]][] = [];
    upstream.on('connect', () => {
      for (const [event, args] of pending.splice(0)) upstream.emit(event, ...args);
    });
    upstream.onAny((event: string, ...args: unknown[]) => {
      if (silenced || rules.dropFromHost?.includes(event)) return;
      if (rules.rewriteFromHost && args.length > 0) args[0] = rules.rewriteFromHost(event, args[0]);
      const last = args.at(-1);
      if (typeof last === 'function') {
        // A host → client request (newConsumer): relay the client's ack back.
        client.emit(event, ...args.slice(0, -1), (answer: unknown) => (last as (a: unknown) => void)(answer));
      } else client.emit(event, ...args);
    });
    client.onAny((event: string, ...args: unknown[]) => {
      requests.push(event);
      const last = args.at(-1);
      let forwarded = args;
      if (typeof last === 'function') {
        const ack = last as (a: unknown) => void;
        forwarded = [
          ...args.slice(0, -1),
          (answer: unknown) => {
            if (rules.neverAnswer?.includes(event)) return;
            const deliver = () => ack(rules.rewriteAnswer ? rules.rewriteAnswer(event, answer) : answer);
            const delay = rules.delayAnswerMs?.(event, args[0]) ?? 0;
            if (delay > 0) setTimeout(deliver, delay);
            else deliver();
          },
        ];
      }
      if (upstream.connected) upstream.emit(event, ...forwarded);
      else pending.push([event, forwarded]);
    });
    // The host sees what the client did: a leave as a leave, a broken or dropped connection as a transport close.
    client.on('disconnect', (reason) => {
      clients.delete(client);
      if (reason === 'client namespace disconnect') upstream.disconnect();
      else upstream.io.engine.close();
    });
    upstream.on('disconnect', () => {
      upstreams.delete(upstream);
      client.disconnect(true);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    silenceFromHost(on) {
      silenced = on;
    },
    refuseConnections(on) {
      refusing = on;
    },
    cut() {
      for (const upstream of upstreams) upstream.io.engine.close();
      for (const client of clients) client.conn.close();
      silenced = false;
    },
    close() {
      for (const upstream of upstreams) upstream.disconnect();
      return new Promise<void>((resolve) => void ioServer.close(() => resolve()));
    },
  };
}
