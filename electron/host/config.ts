import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { limits } from '../../shared/limits';
import { CLUSTER_ORIGIN } from './security/clusterOrigins';

/** Everything the host can be told. Env vars map 1:1 (see README "Configuration"). */
export const HostConfig = z.object({
  /** Address the HTTP(S) server and the media sockets bind to. */
  listenIp: z.string().default('0.0.0.0'),
  /** Address put in ICE candidates and join links. Auto-detected (LAN) when not given. */
  announcedIp: z.string().optional(),
  httpPort: z.number().int().min(0).max(65535).default(4443),
  /** First worker's WebRtcServer port (UDP and TCP); worker i uses rtcPort + i. */
  rtcPort: z.number().int().min(0).max(65535).default(40000),
  workers: z.number().int().min(1).max(64).default(Math.min(os.availableParallelism(), 4)),
  /** Where the TLS certificate and key are kept. */
  dataDir: z.string().default(path.join(os.homedir(), '.roundtable')),
  /** HTTPS on/off. Plain HTTP is only allowed when listening on loopback. */
  tls: z.boolean().optional(),
  /** Static files of the built renderer (the guest join page). */
  webRoot: z.string().optional(),
  adminToken: z.string().min(16).optional(),
  turnUrl: z.string().optional(),
  turnSecret: z.string().optional(),
  /** A room closes this long after its last peer left (a reload or a reconnect keeps it). */
  roomIdleCloseMs: z.number().int().min(0).default(10_000),
  /** Open signaling connections allowed per client address (IPv6: per /64). */
  maxConnectionsPerAddress: z.number().int().min(1).default(64),
  /** A signaling connection that has not joined a meeting by then is closed. */
  joinDeadlineMs: z.number().int().min(1_000).default(120_000),
  /** A participant whose connection dropped may come back as itself (and keep the host role) this long. */
  resumeWindowMs: z.number().int().min(1_000).default(60_000),
  /**
   * A participant whose signaling connection dropped keeps its media session (transports, producers,
   * consumers: the others' streams of it go on) this long for a `resume`; then it is closed and may
   * still rejoin within `resumeWindowMs`. 0: no resume.
   */
  resumeGraceMs: z.number().int().min(0).default(15_000),
  /** Extra web origins allowed to use signaling (e.g. a reverse proxy's https://meet.example.org). */
  allowedOrigins: z.array(z.string()).default([]),
  /** Advertise meetings over mDNS. */
  discovery: z.boolean().default(true),
  /** A room's home worker takes new participants until it forwards this many consumers; then the room spans another worker. */
  workerMaxConsumers: z.number().int().min(1).default(400),
  /** Rooms of this many participants or more forward selectively (last-N). */
  lastNMinPeers: z.number().int().min(2).default(12),
  /** Audio forwarded from this many most recent speakers in such rooms. */
  lastN: z.number().int().min(1).max(32).default(4),
  /** `redis://…`: this host is one node of a cluster coordinated by Redis (docs/SCALING.md). Absent: embedded, no Redis. */
  redisUrl: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** This node's id in the cluster (default: host name and port). */
  nodeId: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, "-", "_", "." (at most 64)').optional(),
  /** The URL clients use to reach this node (default: the host's own base URL). */
  publicUrl: z.string().url().optional(),
  /** Shared by every node of a cluster; signs what a node writes to Redis. Required with redisUrl. */
  clusterSecret: z.string().min(32, 'the cluster secret must be at least 32 characters').optional(),
  /** A node whose heartbeat is older than this is dead: its rooms move. */
  clusterNodeTtlMs: z.number().int().min(1_000).default(4_000),
  /** Where the cluster's nodes may be (`https://*.meet.example.org`, `http://10.0.0.5:*`): a browser guest's page allows them (CSP), so it can fail over to a node added after it loaded. */
  clusterOrigins: z.array(z.string().regex(CLUSTER_ORIGIN, 'http(s)://host[:port], the host optionally *.-prefixed, the port optionally *')).default([]),
  /** A meeting spans nodes: a join reaching a node other than the meeting's home is served there, media piped between nodes (false: sent on with `wrong_node`). */
  clusterSpan: z.boolean().default(true),
  /** New rooms start with a waiting room: arrivals wait until the host lets them in. */
  waitingRoom: z.boolean().default(false),
  /** How long one may wait to be let in before being told nobody did. */
  waitingRoomMaxWaitMs: z.number().int().min(1_000).default(15 * 60_000),
  /** Largest file relayed between participants (checked at offer time; nothing is stored). */
  maxFileBytes: z.number().int().min(0).default(limits.defaultMaxFileBytes),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type HostConfig = z.output<typeof HostConfig>;
export type HostConfigInput = z.input<typeof HostConfig>;

const intFromEnv = (value: string | undefined) => (value === undefined || value === '' ? undefined : Number(value));
const boolFromEnv = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : !/^(0|false|no|off)$/i.test(value);

/** Reads ROUNDTABLE_* variables. Unknown or malformed values fail loudly instead of being ignored. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): HostConfigInput {
  const raw: Record<string, unknown> = {
    listenIp: env.ROUNDTABLE_LISTEN_IP || undefined,
    announcedIp: env.ROUNDTABLE_ANNOUNCED_IP || undefined,
    httpPort: intFromEnv(env.ROUNDTABLE_HTTP_PORT),
    rtcPort: intFromEnv(env.ROUNDTABLE_RTC_PORT),
    workers: intFromEnv(env.ROUNDTABLE_WORKERS),
    dataDir: env.ROUNDTABLE_DATA_DIR || undefined,
    tls: boolFromEnv(env.ROUNDTABLE_TLS),
    webRoot: env.ROUNDTABLE_WEB_ROOT || undefined,
    adminToken: env.ROUNDTABLE_ADMIN_TOKEN || undefined,
    turnUrl: env.ROUNDTABLE_TURN_URL || undefined,
    turnSecret: env.ROUNDTABLE_TURN_SECRET || undefined,
    roomIdleCloseMs: intFromEnv(env.ROUNDTABLE_ROOM_IDLE_CLOSE_MS),
    discovery: boolFromEnv(env.ROUNDTABLE_DISCOVERY),
    maxConnectionsPerAddress: intFromEnv(env.ROUNDTABLE_MAX_CONNECTIONS_PER_ADDRESS),
    joinDeadlineMs: intFromEnv(env.ROUNDTABLE_JOIN_DEADLINE_MS),
    resumeWindowMs: intFromEnv(env.ROUNDTABLE_RESUME_WINDOW_MS),
    resumeGraceMs: intFromEnv(env.ROUNDTABLE_RESUME_GRACE_MS),
    allowedOrigins: env.ROUNDTABLE_ALLOWED_ORIGINS ? env.ROUNDTABLE_ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean) : undefined,
    workerMaxConsumers: intFromEnv(env.ROUNDTABLE_WORKER_MAX_CONSUMERS),
    lastNMinPeers: intFromEnv(env.ROUNDTABLE_LAST_N_MIN_PEERS),
    lastN: intFromEnv(env.ROUNDTABLE_LAST_N),
    redisUrl: env.ROUNDTABLE_REDIS_URL || undefined,
    nodeId: env.ROUNDTABLE_NODE_ID || undefined,
    publicUrl: env.ROUNDTABLE_PUBLIC_URL || undefined,
    clusterSecret: env.ROUNDTABLE_CLUSTER_SECRET || undefined,
    clusterNodeTtlMs: intFromEnv(env.ROUNDTABLE_CLUSTER_NODE_TTL_MS),
    clusterSpan: boolFromEnv(env.ROUNDTABLE_CLUSTER_SPAN),
    clusterOrigins: env.ROUNDTABLE_CLUSTER_ORIGINS ? env.ROUNDTABLE_CLUSTER_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean) : undefined,
    waitingRoom: boolFromEnv(env.ROUNDTABLE_WAITING_ROOM),
    waitingRoomMaxWaitMs: intFromEnv(env.ROUNDTABLE_WAITING_ROOM_MAX_WAIT_MS),
    maxFileBytes: intFromEnv(env.ROUNDTABLE_MAX_FILE_BYTES),
    logLevel: env.ROUNDTABLE_LOG_LEVEL || undefined,
  };
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
}
