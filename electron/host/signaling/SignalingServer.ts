import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { limits } from '../../../shared/limits';
import { describeZodError, requests, type Ack, type ClientToServerEvents, type RequestName, type ServerToClientEvents } from '../../../shared/protocol';
import { HostError, toProtocolError } from '../errors';
import type { Logger } from '../logger';
import type { ActionLimits } from '../security/ActionLimits';
import type { OriginPolicy } from '../security/OriginPolicy';
import type { ConnectionGuard } from './ConnectionGuard';
import { handlers, type HandlerContext } from './handlers';
import { Session, type RoundtableSocket } from './Session';
import { sessionDropped } from './resume';
import { toWireRtpCapabilities } from './wire';
import type { types } from 'mediasoup';

export type SignalingDeps = Omit<HandlerContext, 'session'> & {
  logger: Logger;
  routerRtpCapabilities: () => types.RtpCapabilities;
  origins: OriginPolicy;
  connections: ConnectionGuard;
  actionLimits: ActionLimits;
};

const isRequestName = (name: string): name is RequestName => Object.hasOwn(requests, name);

/**
 * socket.io signaling. A connection passes the origin policy and the per-address cap, then must
 * join within a deadline. Every request passes one gate: known name, ack callback present, within
 * the connection's request budget, payload within size, zod-valid, then its handler. Whatever goes
 * wrong becomes a typed `{ ok: false }` ack; nothing a client sends can throw past this class.
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
      // CORS covers long-polling; WebSocket upgrades are not subject to CORS, so allowRequest checks both.
      cors: { origin: (origin, callback) => callback(null, deps.origins.allows(origin)) },
      allowRequest: (request, callback) => {
        const allowed = deps.origins.allows(request.headers.origin);
        if (!allowed) deps.logger.warn({ origin: request.headers.origin?.slice(0, 200), address: request.socket.remoteAddress }, 'signaling refused: origin not allowed');
        callback(allowed ? null : 'origin not allowed', allowed);
      },
    });
    this.io.use((socket, next) => {
      if (deps.connections.admit(socket.handshake.address)) return next();
      deps.logger.warn({ address: socket.handshake.address }, 'signaling refused: too many connections from one address');
      next(new Error(`too many connections from your address (at most ${deps.connections.maxPerAddress})`));
    });
    this.io.on('connection', (socket) => this.#onConnection(socket));
  }

  get sessions(): ReadonlySet<Session> {
    return this.#sessions;
  }

  #onConnection(socket: RoundtableSocket): void {
    const session = new Session(socket);
    this.#sessions.add(session);
    session.armJoinDeadline(this.#deps.connections.joinDeadlineMs);
    const logger = this.#deps.logger.child({ socketId: socket.id });
    logger.debug({ address: session.address }, 'signaling connected');
    session.notify('welcome', { routerRtpCapabilities: toWireRtpCapabilities(this.#deps.routerRtpCapabilities()), protocolVersion: 1, maxFileBytes: this.#deps.maxFileBytes });

    socket.onAny((name: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') {
        logger.debug({ request: String(name).slice(0, 64) }, 'request without ack ignored');
        return;
      }
      void this.#handle(session, name, args.length > 1 ? args[0] : undefined, ack as (result: Ack<unknown>) => void, logger);
    });
    socket.on('disconnect', (reason) => {
      this.#sessions.delete(session);
      this.#deps.connections.release(session.address);
      session.closed();
      logger.debug({ reason, peerId: session.peer?.id }, 'signaling disconnected');
      sessionDropped(session, reason, this.#deps.resumeGraceMs ?? 0, logger);
      this.#deps.actionLimits.forget(session.id).catch((error: unknown) => logger.debug({ err: error }, 'could not forget limits'));
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
      if (typeof name !== 'string' || !isRequestName(name)) throw new HostError('bad_request', `unknown request "${String(name).slice(0, 64)}"`);
      await this.#deps.actionLimits.consume('request', session.id);
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
      log({ request: String(name).slice(0, 64), peerId: session.peer?.id, roomId: session.room?.id, code: protocolError.code, err: error }, 'request failed');
      reply({ ok: false, error: protocolError });
    }
  }

  async close(): Promise<void> {
    this.io.disconnectSockets(true);
    // Also closes the HTTP server it is attached to; the host closes that itself as well.
    await this.io.close().catch(() => undefined);
  }
}
