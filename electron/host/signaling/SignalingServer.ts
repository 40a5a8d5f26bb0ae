import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { limits } from '../../../shared/limits';
import { describeZodError, requests, type Ack, type ClientToServerEvents, type RequestName, type ServerToClientEvents } from '../../../shared/protocol';
import { HostError, toProtocolError } from '../errors';
import type { Logger } from '../logger';
import { handlers, type HandlerContext } from './handlers';
import { Session, type RoundtableSocket } from './Session';

export type SignalingDeps = Omit<HandlerContext, 'session'> & {
  logger: Logger;
  routerRtpCapabilities: () => unknown;
};

const isRequestName = (name: string): name is RequestName => Object.hasOwn(requests, name);

/**
 * socket.io signaling. Every request passes one gate: known name, ack callback present, payload
 * within size, zod-valid, then its handler. Whatever goes wrong becomes a typed `{ ok: false }` ack;
 * nothing a client sends can throw past this function.
 */
export class SignalingServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  readonly #deps: SignalingDeps;
  readonly #sessions = new Set<Session>();

  constructor(httpServer: HttpServer, deps: SignalingDeps) {
    this.#deps = deps;
    this.io = new Server(httpServer, {
      path: '/socket.io',
      serveClient: false,
      // Oversized payloads get a typed error below; this cap only stops abuse of the transport itself.
      maxHttpBufferSize: limits.maxPayloadBytes * 4,
      pingInterval: 5_000,
      pingTimeout: 5_000,
      cors: { origin: true },
    });
    this.io.on('connection', (socket) => this.#onConnection(socket));
  }

  get sessions(): ReadonlySet<Session> {
    return this.#sessions;
  }

  #onConnection(socket: RoundtableSocket): void {
    const session = new Session(socket);
    this.#sessions.add(session);
    const logger = this.#deps.logger.child({ socketId: socket.id });
    logger.debug({ address: session.address }, 'signaling connected');
    session.notify('welcome', { routerRtpCapabilities: this.#deps.routerRtpCapabilities() as never, protocolVersion: 1 });

    socket.onAny((name: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') {
        logger.debug({ request: name }, 'request without ack ignored');
        return;
      }
      void this.#handle(session, name, args.length > 1 ? args[0] : undefined, ack as (result: Ack<unknown>) => void, logger);
    });
    socket.on('disconnect', (reason) => {
      this.#sessions.delete(session);
      logger.debug({ reason, peerId: session.peer?.id }, 'signaling disconnected');
      session.peer?.close();
    });
  }

  async #handle(session: Session, name: string, payload: unknown, ack: (result: Ack<unknown>) => void, logger: Logger): Promise<void> {
    const reply = (result: Ack<unknown>) => {
      try {
        ack(result);
      } catch {
        /* the socket went away */
      }
    };
    try {
      if (!isRequestName(name)) throw new HostError('bad_request', `unknown request "${String(name).slice(0, 64)}"`);
      const size = Buffer.byteLength(JSON.stringify(payload ?? null) ?? '');
      if (size > limits.maxPayloadBytes) throw new HostError('limit_exceeded', `payload of ${size} bytes exceeds ${limits.maxPayloadBytes}`);
      const parsed = requests[name].request.safeParse(payload ?? {});
      if (!parsed.success) throw new HostError('bad_request', `${name}: ${describeZodError(parsed.error)}`);
      const handler = handlers[name] as (ctx: HandlerContext, data: unknown) => unknown;
      const data = await handler({ ...this.#deps, session }, parsed.data);
      reply({ ok: true, data });
    } catch (error) {
      const protocolError = toProtocolError(error);
      const log = protocolError.code === 'internal' ? logger.error.bind(logger) : logger.debug.bind(logger);
      log({ request: name, peerId: session.peer?.id, roomId: session.room?.id, code: protocolError.code, err: (error as Error)?.message }, 'request failed');
      reply({ ok: false, error: protocolError });
    }
  }

  close(): void {
    this.io.disconnectSockets(true);
    this.io.close();
  }
}
