import { HostError } from '../errors';
import type { Logger } from '../logger';
import type { RoomRegistry } from '../RoomRegistry';
import type { WorkerPool } from '../WorkerPool';
import { NodeRegistry, type NodeLoad, type NodeRecord } from './NodeRegistry';
import { connectRedis } from './redisClient';
import { ClusterBus } from './ClusterBus';
import { MeetingSettings } from './MeetingSettings';
import { RoomDirectory } from './RoomDirectory';
import { SignedRecords } from './SignedRecords';
import type { PipeListen } from './SpanPipes';
import { Spans, type SpanStats } from './Spans';

export interface ClusterOptions {
  redisUrl: string;
  secret: string;
  nodeId: string;
  /** The URL clients reach this node by. */
  url: string;
  /** A node whose heartbeat is older than this is dead. */
  nodeTtlMs: number;
  /**
   * Meetings span nodes (ROUNDTABLE_CLUSTER_SPAN): a join for a meeting homed elsewhere is served
   * here, media piped between the nodes from/to `pipeListen`. Absent: such a join gets `wrong_node`.
   */
  span?: { pipeListen: PipeListen };
  /** How long a dropped participant may come back (a meeting's settings outlive its last node by that much). */
  resumeWindowMs?: number;
}

export interface ClusterHealth {
  nodeId: string;
  redis: string;
  nodes: (NodeRecord & { self: boolean; ageMs: number })[];
  /** Meetings served here that may span nodes (with ROUNDTABLE_CLUSTER_SPAN). */
  spans?: SpanStats[];
}

/** Rooms placed by weight: participants, plus rooms (a room costs more than its first participant). */
const ROOM_WEIGHT = 5;
/** A node leaving gives its participants this long to rejoin through it and be sent on to their meeting's new home. */
const DRAIN_GRACE_MS = 1_500;

/**
 * This host as one node of a cluster: registers itself with its load (heartbeat), keeps the
 * claims of the rooms it is home of, and decides where a room that is not open here lives (see
 * `claim`). A room lives on one node; a join that arrives elsewhere is sent there (`wrong_node`
 * with the home's URL), and the client reconnects to it.
 */
export class ClusterNode {
  readonly nodeId: string;
  readonly url: string;
  readonly #redis: ReturnType<typeof connectRedis>;
  readonly #registry: NodeRegistry;
  readonly #directory: RoomDirectory;
  readonly #rooms: RoomRegistry;
  readonly #pool: WorkerPool;
  readonly #logger: Logger;
  readonly #startedAt = Date.now();
  readonly #timer: NodeJS.Timeout;
  #nodes: NodeRecord[] = [];
  readonly #bus?: ClusterBus;
  readonly #spans?: Spans;
  /** Lock, passcode and waiting room of the meetings open here, shared with the other nodes. */
  readonly #settings: MeetingSettings;
  /** Rooms open here as satellites: room id → its home node id. */
  readonly #satellites = new Map<string, string>();
  /** Every node's URL as last read from the registry, by claim() or a heartbeat, whichever was later. */
  readonly #urls = new Map<string, string>();
  #beating?: Promise<void>;
  #stopped = false;

  private constructor(options: ClusterOptions, deps: { rooms: RoomRegistry; pool: WorkerPool; logger: Logger }) {
    this.nodeId = options.nodeId;
    this.url = options.url;
    this.#rooms = deps.rooms;
    this.#pool = deps.pool;
    this.#logger = deps.logger.child({ nodeId: options.nodeId });
    this.#redis = connectRedis(options.redisUrl, this.#logger);
    const records = new SignedRecords(options.secret);
    this.#registry = new NodeRegistry(this.#redis, records, options.nodeTtlMs);
    // A room's claim outlives a few missed refreshes; a dead home is detected by its node key instead.
    this.#directory = new RoomDirectory(this.#redis, options.nodeTtlMs * 4);
    this.#settings = new MeetingSettings({ redis: this.#redis, records, secret: options.secret, ttlMs: (options.resumeWindowMs ?? 60_000) + options.nodeTtlMs * 4, logger: this.#logger });
    // Before Spans (which attaches to an opened room too): the settings apply before the room's first admission.
    this.#rooms.on('roomOpened', (room) => this.#settings.opened(room));
    if (options.span) {
      this.#bus = new ClusterBus(this.#redis, records, this.nodeId, this.#logger);
      this.#spans = new Spans({
        settings: this.#settings,
        bus: this.#bus,
        rooms: this.#rooms,
        listen: options.span.pipeListen,
        homeOf: (roomId) => this.#homeOf(roomId),
        claimHome: (roomId) => this.#claimHome(roomId),
        logger: this.#logger,
      });
    }
    this.#rooms.on('roomOpened', () => this.#beat());
    this.#rooms.on('roomClosed', (roomId) => {
      if (!this.#rooms.get(roomId)) this.#satellites.delete(roomId);
      // Still its home when it closed: the meeting is over (a satellite's participants hold it open), its settings go too.
      this.#directory
        .release(roomId, this.nodeId)
        .then((released) => (released && !this.#rooms.get(roomId) ? this.#settings.forget(roomId) : undefined))
        .catch((error: unknown) => this.#logger.debug({ roomId, err: error }, 'cluster: could not release room'));
    });
    this.#timer = setInterval(() => this.#beat(), Math.max(250, Math.floor(options.nodeTtlMs / 4)));
    this.#timer.unref();
  }

  /** Connects to Redis (bounded) and registers; throws when Redis cannot be reached at start. */
  static async start(options: ClusterOptions, deps: { rooms: RoomRegistry; pool: WorkerPool; logger: Logger }): Promise<ClusterNode> {
    const node = new ClusterNode(options, deps);
    try {
      await node.#redis.connect();
      const spans = node.#spans;
      await node.#bus?.start((from, op, args) => spans!.handle(from, op, args));
      await node.#heartbeat();
    } catch (error) {
      await node.stop();
      throw new Error(`cluster: cannot reach Redis at ${redactUrl(options.redisUrl)}: ${(error as Error).message}`, { cause: error });
    }
    node.#logger.info({ url: options.url, nodes: node.#nodes.map((n) => n.id) }, 'cluster: node registered');
    return node;
  }

  /** Every live node's URL (this one included), as of the last heartbeat: what clients fail over to. */
  nodeUrls(): string[] {
    const urls = this.#nodes.map((node) => node.url);
    return urls.includes(this.url) ? urls : [this.url, ...urls];
  }

  /**
   * Called before a room that is not open here is opened: returns when this node is (now) its
   * home, or — meetings spanning nodes — will serve it as a satellite of its live home; throws
   * `wrong_node` with the home's URL when another live node is home (without spanning), or when
   * the room is new and another node carries less load.
   */
  async claim(roomId: string): Promise<void> {
    try {
      await this.#claim(roomId);
    } catch (error) {
      this.#settings.discard(roomId);
      throw error;
    }
  }

  async #claim(roomId: string): Promise<void> {
    let nodes: NodeRecord[];
    let home: string | undefined;
    let placedNow: boolean;
    try {
      [nodes, home] = await Promise.all([this.#registry.live(), this.#directory.home(roomId), this.#settings.prefetch(roomId)]);
      this.#rememberUrls(nodes);
      const live = (id: string | undefined) => nodes.find((node) => node.id === id);
      if (home === this.nodeId && !this.#stopped) return;
      placedNow = !live(home);
      if (placedNow) home = await this.#directory.claim(roomId, await this.#leastLoaded(this.#stopped ? nodes.filter((node) => node.id !== this.nodeId) : nodes));
    } catch (error) {
      this.#logger.warn({ roomId, err: (error as Error).message }, 'cluster: directory unavailable');
      throw new HostError('internal', 'the meeting directory is unavailable; try again');
    }
    if (home === this.nodeId && this.#stopped) throw new HostError('internal', 'this server is shutting down; try again');
    if (home === this.nodeId) return;
    const target = nodes.find((node) => node.id === home);
    if (!target) throw new HostError('internal', 'the meeting is moving to another server; try again');
    if (this.#spans && !this.#stopped && !placedNow) {
      // A meeting running on another node, served here too (a satellite): the home admits each
      // join (RoomSpan.admit), media is piped. A new meeting goes to the least-loaded node.
      this.#satellites.set(roomId, target.id);
      return;
    }
    throw new HostError('wrong_node', `this meeting is hosted by ${target.id}`, target.url);
  }

  /** Resolves once a change of who may enter `roomId`, made here, is shared with the cluster (the host's request answers then). */
  settled(roomId: string): Promise<void> {
    return this.#settings.settled(roomId);
  }

  #homeOf(roomId: string): { id: string; url: string } | undefined {
    const home = this.#satellites.get(roomId);
    if (!home) return undefined;
    // Not from #nodes: a home registered after this node's last heartbeat is missing there, and
    // a `wrong_node` without a URL leaves the client nowhere to go.
    return { id: home, url: this.#urls.get(home) ?? '' };
  }

  #rememberUrls(nodes: NodeRecord[]): void {
    for (const node of nodes) this.#urls.set(node.id, node.url);
  }

  /** A satellite whose home is gone takes the meeting over (the claim succeeds only when the home's heartbeat expired). */
  async #claimHome(roomId: string): Promise<boolean> {
    if (!this.#satellites.has(roomId) || this.#stopped) return !this.#satellites.has(roomId);
    const holder = await this.#directory.claim(roomId, this.nodeId);
    if (holder !== this.nodeId) {
      if (holder) this.#satellites.set(roomId, holder);
      return false;
    }
    this.#satellites.delete(roomId);
    this.#logger.warn({ roomId }, 'cluster: the meeting\'s home is gone; this node is its home now');
    this.#spans?.roleChanged(roomId);
    return true;
  }

  async #leastLoaded(nodes: NodeRecord[]): Promise<string> {
    const candidates = nodes.some((node) => node.id === this.nodeId) || this.#stopped ? nodes : [...nodes, this.#record()];
    if (candidates.length === 0) throw new Error('no live node to place a room on');
    const placed = await this.#directory.recentPlacements(candidates.map((node) => node.id));
    const weight = (node: NodeRecord) => node.load.peers + ROOM_WEIGHT * (node.load.rooms + (placed.get(node.id) ?? 0)) + (node.load.workers === 0 ? 1e9 : 0);
    // Ties go to this node: no redirect.
    return candidates.reduce((best, node) => (weight(node) < weight(best) || (weight(node) === weight(best) && node.id === this.nodeId) ? node : best)).id;
  }

  async health(): Promise<ClusterHealth> {
    const now = Date.now();
    let nodes = this.#nodes;
    try {
      nodes = await this.#registry.live();
    } catch {
      // Redis away: the last view.
    }
    return {
      nodeId: this.nodeId,
      redis: this.#redis.status,
      nodes: nodes.map((node) => ({ ...node, self: node.id === this.nodeId, ageMs: now - node.at })),
      ...(this.#spans ? { spans: this.#spans.stats() } : {}),
    };
  }

  #record(): NodeRecord {
    const rooms = this.#rooms.all().filter((room) => !room.closed);
    const homed = rooms.filter((room) => !this.#satellites.has(room.id));
    const load: NodeLoad = {
      peers: rooms.reduce((n, room) => n + room.peers.size, 0),
      rooms: rooms.length,
      consumers: this.#pool.slots.reduce((n, slot) => n + slot.consumers, 0),
      workers: this.#pool.slots.filter((slot) => !slot.worker.closed).length,
    };
    return { id: this.nodeId, url: this.url, load, rooms: homed.map((room) => room.id).slice(0, 10_000), startedAt: this.#startedAt, at: Date.now() };
  }

  /** One heartbeat at a time; a failed one is logged and the next tick tries again (Redis restarting). */
  #beat(): void {
    if (this.#stopped || this.#beating) return;
    this.#beating = this.#heartbeat()
      .catch((error: unknown) => this.#logger.debug({ err: (error as Error).message }, 'cluster: heartbeat failed'))
      .finally(() => (this.#beating = undefined));
  }

  async #heartbeat(): Promise<void> {
    const record = this.#record();
    await this.#registry.heartbeat(record);
    const lost = await this.#directory.refresh(record.rooms, this.nodeId);
    await this.#settings.refresh(this.#rooms.all().filter((room) => !this.#satellites.has(room.id)));
    const before = this.nodeUrls().join(' ');
    this.#nodes = await this.#registry.live();
    this.#rememberUrls(this.#nodes);
    if (this.nodeUrls().join(' ') !== before) this.#announceNodes();
    if (lost.length > 0 && !this.#spans) this.#handOver(lost);
    if (!this.#spans) return;
    if (lost.length > 0) await this.#becomeSatellites(lost);
    const live = new Set(this.#nodes.map((node) => node.id));
    this.#spans.nodesLive([...live]);
    for (const [roomId, home] of [...this.#satellites]) if (!live.has(home)) await this.#claimHome(roomId);
  }

  /** Clients fail over to the nodes they know: a list learnt at join time must not go stale (a node that joined later, one that left). */
  #announceNodes(): void {
    const urls = this.nodeUrls();
    for (const room of this.#rooms.all()) for (const peer of room.peers.values()) peer.channel.notify('clusterNodes', { urls });
  }

  /**
   * Another node became home of rooms open here (this node was taken for dead during a stall or a
   * partition, or Redis restarted empty and a join reached another node first). A meeting must not
   * stay split: this copy closes, and its participants rejoin, which sends them to the new home.
   */
  /** Meetings spanning nodes: another node became home of rooms open here; this copy goes on serving its participants. */
  async #becomeSatellites(roomIds: readonly string[]): Promise<void> {
    this.#logger.warn({ rooms: roomIds }, 'cluster: another node is home of rooms open here; serving them as satellites');
    for (const roomId of roomIds) {
      const home = await this.#directory.home(roomId);
      if (!home || home === this.nodeId) continue;
      this.#satellites.set(roomId, home);
      this.#spans?.roleChanged(roomId);
    }
  }

  #handOver(roomIds: readonly string[]): void {
    this.#logger.warn({ rooms: roomIds }, 'cluster: another node is home of rooms open here; moving their participants there');
    for (const roomId of roomIds) {
      const room = this.#rooms.get(roomId);
      if (!room || room.closed) continue;
      for (const peer of [...room.peers.values()]) {
        peer.channel.notify('rejoinRequired', { reason: 'the meeting moved to another server' });
        peer.close('room_closed');
      }
      room.close('idle');
    }
  }

  /**
   * Graceful stop: this node leaves the registry (no new room is placed here), its meetings get the
   * least-loaded other nodes as homes, and their participants rejoin and are sent there.
   */
  async #drain(): Promise<void> {
    const others = (await this.#registry.live()).filter((node) => node.id !== this.nodeId);
    const rooms = this.#rooms.all().filter((room) => !room.closed && room.peers.size > 0);
    await this.#registry.withdraw(this.nodeId);
    if (others.length === 0 || rooms.length === 0) return;
    const weight = (node: NodeRecord) => node.load.peers + ROOM_WEIGHT * node.load.rooms;
    const moved: string[] = [];
    for (const room of rooms) {
      // A satellite's participants go to the meeting's home; they are sent there when they rejoin here.
      if (this.#satellites.has(room.id)) {
        moved.push(room.id);
        continue;
      }
      // A node that serves the meeting already takes it over without moving its participants.
      const serving = new Set(this.#spans?.nodesOf(room.id));
      const candidates = others.some((node) => serving.has(node.id)) ? others.filter((node) => serving.has(node.id)) : others;
      const target = candidates.reduce((best, node) => (weight(node) < weight(best) ? node : best));
      if (await this.#directory.handTo(room.id, this.nodeId, target.id)) moved.push(room.id);
      target.load = { ...target.load, peers: target.load.peers + room.peers.size, rooms: target.load.rooms + 1 };
    }
    this.#handOver(moved);
    await new Promise((resolve) => setTimeout(resolve, DRAIN_GRACE_MS));
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#beating;
    if (this.#redis.status === 'ready') {
      await this.#drain().catch((error: unknown) => this.#logger.warn({ err: (error as Error).message }, 'cluster: could not hand meetings on'));
      // After the drain (which asks the spans which nodes serve a meeting): the other nodes hear `bye`.
      this.#spans?.close();
      await Promise.all(this.#rooms.all().map((room) => this.#directory.release(room.id, this.nodeId))).catch(() => undefined);
      await this.#registry.withdraw(this.nodeId).catch(() => undefined);
      await this.#redis.quit().catch(() => undefined);
    }
    this.#spans?.close();
    this.#bus?.close();
    this.#redis.disconnect();
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
