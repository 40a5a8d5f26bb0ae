import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, NotificationData, RequestData, RequestName, ResponseData, ServerToClientEvents } from '../../../shared/protocol';
import { ConferenceError, ConnectionError } from './errors';
import { SessionKeeping } from './SessionResume';
import { awakeDeadline, withAwakeTimeout, withTimeout } from './timeouts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Welcome = NotificationData<'welcome'>;

export const REQUEST_TIMEOUT_MS = 10_000;
/**
 * Requests the host answers the same way when asked twice (or whose second asking does no harm):
 * asked again after a resume when a drop interrupted them. A chat message or a file offer is not.
 */
const REPEATABLE = new Set<RequestName>([
  'connectTransport',
  'produce',
  'restartIce',
  'pauseProducer',
  'resumeProducer',
  'pauseConsumer',
  'resumeConsumer',
  'setConsumerPreferredLayers',
  'consumersTaken',
  'setHand',
  'setDisplayName',
  'setRecording',
]);
export const CONNECT_TIMEOUT_MS = 8_000;
export const WELCOME_TIMEOUT_MS = 5_000;
/** How long a node that refused a connection is passed over (a dead node's record lives on for its TTL). */
const UNREACHABLE_MEMORY_MS = 10_000;

/** The socket.io connection with typed, promise-returning requests. Reconnection is the Reconnector's job. */
export class SignalingClient {
  readonly socket: ClientSocket;
  /** How long one connection attempt may take (the Conference shortens it while rejoining). */
  connectTimeoutMs = CONNECT_TIMEOUT_MS;
  #welcome?: Promise<Welcome>;
  /** Fails the connection attempt in flight (see `abandonConnect`), and when it started. */
  #abandon?: (error: ConnectionError) => void;
  #connectStartedAt = 0;
  #dropping = false;
  /** Whether the session is kept for a resume after a drop (the Conference says). */
  readonly keeping = new SessionKeeping();
  /** The number the host gave the last notification received (sent after its payload): what a `resume` asks it to send after. */
  lastSeq = 0;
  #url: string;
  /** The address the meeting was opened with: kept as a last resort when every known node fails. */
  readonly #entryUrl: string;
  /** A clustered host's nodes (from the join answer, updated while connected): a failed connect moves the next one to the next node. */
  #nodes: string[] = [];
  /** When a connect to a node last failed: a dead node is not tried again at once (its record may outlive it by seconds). */
  readonly #failedAt = new Map<string, number>();

  constructor(url: string) {
    this.#url = this.#entryUrl = url;
    this.socket = io(url, {
      path: '/socket.io',
      // Straight to WebSocket: the long-polling handshake would add round trips to every join.
      transports: ['websocket'],
      reconnection: false,
      autoConnect: false,
      timeout: CONNECT_TIMEOUT_MS,
    });
    this.socket.onAny((_event: string, ...args: unknown[]) => {
      if (args.length === 2 && typeof args[1] === 'number') this.lastSeq = args[1];
    });
    // The cluster's live nodes change while the meeting runs (a node added, one gone): failover needs today's list.
    this.socket.on('clusterNodes', (data) => {
      if (Array.isArray(data?.urls)) this.setClusterNodes(data.urls.filter((url): url is string => typeof url === 'string'));
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** The host (cluster node) this client connects to. */
  get url(): string {
    return this.#url;
  }

  /** The cluster's node URLs, as the host gave them (http(s) only, bounded). */
  setClusterNodes(urls: readonly string[]): void {
    this.#nodes = urls.filter((url) => /^https?:\/\/[^\s]+$/.test(url)).slice(0, 64);
  }

  /**
   * Connects to another node of the cluster from now on (the meeting is hosted there, or this
   * node failed). The socket object, and every listener on it, stays: only the address its
   * manager opens next changes (socket.io's Manager builds a new engine from `uri` on each open).
   */
  moveTo(url: string): void {
    this.disconnect();
    this.#url = url;
    (this.socket.io as unknown as { uri: string }).uri = url;
  }

  /** Whether a connect to `url` failed within the last `withinMs`. */
  recentlyUnreachable(url: string, withinMs = UNREACHABLE_MEMORY_MS): boolean {
    const failedAt = this.#failedAt.get(url);
    return failedAt !== undefined && Date.now() - failedAt < withinMs;
  }

  /** The next node in the list (then the address the meeting was opened with), skipping nodes that failed recently (unless all did). */
  #failover(): void {
    this.#failedAt.set(this.#url, Date.now());
    if (this.#nodes.length === 0) return;
    const nodes = this.#nodes.includes(this.#entryUrl) ? this.#nodes : [...this.#nodes, this.#entryUrl];
    const start = nodes.indexOf(this.#url);
    const order = nodes.map((_, i) => nodes[(start + 1 + i) % nodes.length]!).filter((url) => url !== this.#url);
    const next = order.find((url) => !this.recentlyUnreachable(url)) ?? order[0];
    if (next) this.moveTo(next);
  }

  /**
   * Connects (if needed), within `connectTimeoutMs` of our own running time (awakeDeadline): a
   * process held up in a long synchronous call does not fail a handshake whose answer is already
   * waiting. socket.io's own connect timeout, four times as long, stays behind it.
   */
  connect(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    this.socket.io.timeout(this.connectTimeoutMs * 4);
    // The host greets every new connection with `welcome`: listen before connecting, so it cannot be missed.
    this.#welcome = new Promise<Welcome>((resolve) => this.socket.once('welcome', resolve));
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
        this.#abandon = undefined;
        cancelDeadline();
      };
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (error: Error) => {
        cleanup();
        // The next try goes to the cluster's next node (this one may be down for good).
        this.#failover();
        reject(new ConnectionError('unreachable', 'host_unreachable', `Cannot reach the meeting host (${error.message})`, { cause: error }));
      };
      this.#connectStartedAt = Date.now();
      this.#abandon = (error) => {
        cleanup();
        this.socket.disconnect();
        reject(error);
      };
      const cancelDeadline = awakeDeadline(this.connectTimeoutMs, () => {
        this.socket.disconnect();
        onError(new Error('timeout'));
      });
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

  /**
   * A request interrupted by a drop (or made while the connection is down) is asked again once the
   * kept session is resumed, if asking twice is harmless (REPEATABLE); otherwise, or when the
   * session is not resumed, it fails as `disconnected`.
   */
  async request<N extends RequestName>(name: N, data: RequestData<N>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ResponseData<N>> {
    try {
      return await this.#requestOnce(name, data, timeoutMs);
    } catch (error) {
      const dropped = error instanceof ConnectionError && error.reason === 'disconnected';
      if (!dropped || !REPEATABLE.has(name) || !(await this.keeping.resumed())) throw error;
      return this.#requestOnce(name, data, timeoutMs);
    }
  }

  async #requestOnce<N extends RequestName>(name: N, data: RequestData<N>, timeoutMs: number): Promise<ResponseData<N>> {
    if (!this.socket.connected) throw new ConnectionError('disconnected', 'disconnected', 'not connected to the meeting host');
    let result: Ack<ResponseData<N>>;
    try {
      // The generic event map cannot express "ack type depends on N"; the schemas in shared/ do.
      result = (await this.#emitWithAck(name, data, timeoutMs)) as Ack<ResponseData<N>>;
    } catch (error) {
      throw this.socket.connected
        ? new ConnectionError('timeout', 'timeout', `${name}: no answer from the host within ${timeoutMs} ms`, { cause: error })
        : new ConnectionError('disconnected', 'disconnected', `${name}: the connection to the host dropped`, { cause: error });
    }
    if (!result.ok) throw ConferenceError.fromProtocol(result.error);
    return result.data;
  }

  /**
   * Sends a request and waits `timeoutMs` of our own running time for its answer (withAwakeTimeout):
   * a page or process held up for a second (a starved machine, a long synchronous call) reads the
   * answer that came meanwhile instead of calling the host silent. socket.io's own bound, four
   * times as long, ends a wait the loop never gets to judge, and forgets the ack.
   */
  #emitWithAck(name: string, data: unknown, timeoutMs: number): Promise<unknown> {
    const answer = (this.socket as unknown as Socket).timeout(timeoutMs * 4).emitWithAck(name, data);
    return withAwakeTimeout(answer, timeoutMs, () => new Error(`${name}: no answer within ${timeoutMs} ms`));
  }

  /** Whether the host answers within `timeoutMs` and still has our session: a dead path shows here long before socket.io's ping timeout. */
  async answers(timeoutMs: number): Promise<boolean> {
    if (!this.socket.connected) return false;
    try {
      const ack = (await this.#emitWithAck('ping', {}, timeoutMs)) as Ack<unknown>;
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

  /** Ends the connection and tells the host the participant left (it closes the participant's session). */
  disconnect(): void {
    this.#welcome = undefined;
    this.socket.disconnect();
  }

  /**
   * Ends the connection as a broken path would: the host sees the transport close, not a leave, and
   * keeps the session for a `resume` on the next connection. The socket's 'disconnect' (reason
   * 'forced close', as for a drop a test simulates) comes while `dropping` is true.
   */
  drop(): void {
    if (!this.socket.connected) return this.disconnect();
    this.#welcome = undefined;
    this.#dropping = true;
    try {
      this.socket.io.engine.close();
    } finally {
      this.#dropping = false;
    }
  }

  /** Within `drop()`: the disconnect being reported is ours. */
  get dropping(): boolean {
    return this.#dropping;
  }
}
