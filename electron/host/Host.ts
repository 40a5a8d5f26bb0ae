import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { IceServer } from '../../shared/protocol';
import { loadOrCreateCertificate, type TlsIdentity } from './certificate';
import { HostConfig, type HostConfigInput } from './config';
import { ClusterNode } from './cluster/ClusterNode';
import { Discovery, type MdnsOptions } from './discovery';
import { createHttpApp } from './http/HttpApp';
import { turnCredentials } from './http/turn';
import { createLogger, type Logger } from './logger';
import { isLoopback, pickAnnouncedIp } from './network';
import { RoomRegistry } from './RoomRegistry';
import { ActionLimits } from './security/ActionLimits';
import { OriginPolicy } from './security/OriginPolicy';
import { KnockGuard } from './security/KnockGuard';
import { PasscodeGuard } from './security/PasscodeGuard';
import { installProcessGuards } from './security/processGuards';
import { newSecret, secretsEqual } from './security/secrets';
import { ConnectionGuard } from './signaling/ConnectionGuard';
import { SignalingServer } from './signaling/SignalingServer';
import { WorkerPool } from './WorkerPool';

export const defaultWebRoot = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

export interface HostStartOptions {
  logger?: Logger;
  /** multicast-dns socket options (tests keep mDNS on loopback). */
  mdns?: MdnsOptions;
}

/**
 * The embedded SFU host, composition root: worker pool, rooms, HTTP(S) + signaling. Runs inside
 * the Electron main process or headless (cli.ts). `stop()` closes everything it started.
 */
export class Host {
  readonly config: HostConfig;
  readonly logger: Logger;
  readonly pool: WorkerPool;
  readonly rooms: RoomRegistry;
  readonly signaling: SignalingServer;
  readonly announcedIp: string;
  readonly baseUrl: string;
  readonly httpPort: number;
  readonly tls?: TlsIdentity;
  /** Protects /api/health details and /api/rooms/:id/stats. */
  readonly adminToken: string;
  /** Given to the desktop app's own window so its user is host of every room it opens. */
  readonly ownerKey: string;
  readonly discovery?: Discovery;
  /** Clustered (ROUNDTABLE_REDIS_URL): this host as a node of the cluster. */
  readonly cluster?: ClusterNode;
  readonly #server: http.Server;
  #stopped = false;

  private constructor(init: {
    config: HostConfig;
    logger: Logger;
    pool: WorkerPool;
    rooms: RoomRegistry;
    signaling: SignalingServer;
    server: http.Server;
    announcedIp: string;
    baseUrl: string;
    httpPort: number;
    tls?: TlsIdentity;
    adminToken: string;
    ownerKey: string;
    discovery?: Discovery;
    cluster?: ClusterNode;
  }) {
    this.config = init.config;
    this.logger = init.logger;
    this.pool = init.pool;
    this.rooms = init.rooms;
    this.signaling = init.signaling;
    this.#server = init.server;
    this.announcedIp = init.announcedIp;
    this.baseUrl = init.baseUrl;
    this.httpPort = init.httpPort;
    this.tls = init.tls;
    this.adminToken = init.adminToken;
    this.ownerKey = init.ownerKey;
    this.discovery = init.discovery;
    this.cluster = init.cluster;
    if (this.discovery) this.#advertiseRooms(this.discovery);
  }

  #advertiseRooms(discovery: Discovery): void {
    this.rooms.on('roomOpened', (room) => {
      discovery.advertise({ roomId: room.id, url: this.joinUrl(room.id), port: this.httpPort, fingerprint: this.#fingerprintHex });
    });
    this.rooms.on('roomClosed', (roomId) => discovery.withdraw(roomId));
  }

  get #fingerprintHex(): string | undefined {
    return this.tls?.fingerprint.replaceAll(':', '').toLowerCase();
  }

  static async start(input: HostConfigInput = {}, options: HostStartOptions = {}): Promise<Host> {
    const config = HostConfig.parse(input);
    const logger = options.logger ?? createLogger(config.logLevel);
    installProcessGuards(logger);
    if (config.redisUrl && !config.clusterSecret) throw new Error('clustering (ROUNDTABLE_REDIS_URL) needs ROUNDTABLE_CLUSTER_SECRET, the same on every node (32+ characters)');
    const useTls = config.tls ?? !isLoopback(config.listenIp);
    if (!useTls && !isLoopback(config.listenIp)) {
      throw new Error('plain HTTP is only allowed on loopback: browsers refuse cameras on insecure LAN origins (unset ROUNDTABLE_TLS or listen on 127.0.0.1)');
    }
    const announcedIp = pickAnnouncedIp(config.announcedIp, config.listenIp);
    const adminToken = config.adminToken ?? newSecret(18);
    const ownerKey = newSecret();

    const pool = await WorkerPool.create({ size: config.workers, listenIp: config.listenIp, announcedIp, basePort: config.rtcPort, logger });
    const scale = { workerMaxConsumers: config.workerMaxConsumers, lastN: config.lastN, lastNMinPeers: config.lastNMinPeers };
    const rooms = new RoomRegistry(
      pool,
      config.roomIdleCloseMs,
      { logger, passcodeGuard: new PasscodeGuard(), resumeWindowMs: config.resumeWindowMs, scale },
      { byDefault: config.waitingRoom, maxWaitMs: config.waitingRoomMaxWaitMs, guard: new KnockGuard() },
    );
    const iceServers = (user: string): IceServer[] =>
      config.turnUrl && config.turnSecret ? [turnCredentials(config.turnUrl, config.turnSecret, user)] : [];

    let server: http.Server | undefined;
    let cluster: ClusterNode | undefined;
    try {
      const tls = useTls ? await loadOrCreateCertificate(config.dataDir, [announcedIp]) : undefined;
      const app = createHttpApp({ pool, rooms, adminToken, webRoot: config.webRoot ?? defaultWebRoot, iceServers, cluster: () => cluster, clusterOrigins: config.redisUrl ? config.clusterOrigins : [] });
      server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, app) : http.createServer(app);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(config.httpPort, config.listenIp, () => resolve());
      });
      const httpPort = (server.address() as AddressInfo).port;
      const signaling = new SignalingServer(server, {
        logger,
        rooms,
        actionLimits: new ActionLimits(),
        connections: new ConnectionGuard({ maxPerAddress: config.maxConnectionsPerAddress, joinDeadlineMs: config.joinDeadlineMs }),
        joinDeadlineMs: config.joinDeadlineMs,
        resumeGraceMs: config.resumeGraceMs,
        maxFileBytes: config.maxFileBytes,
        origins: new OriginPolicy({
          port: httpPort,
          hosts: webAppHosts(config.listenIp, announcedIp),
          allowAnyLoopbackPort: isLoopback(config.listenIp),
          extra: config.allowedOrigins,
          live: () => cluster?.nodeUrls() ?? [],
          clusterOrigins: config.redisUrl ? config.clusterOrigins : [],
        }),
        iceServers: () => iceServers('peer'),
        // The owner key (desktop app) or the admin token (a headless host's owner link) makes its holder host.
        isOwnerKey: (key) => secretsEqual(key, ownerKey) || secretsEqual(key, adminToken),
        routerRtpCapabilities: () => pool.routerRtpCapabilities,
        clusterNodes: config.redisUrl ? () => cluster?.nodeUrls() ?? [] : undefined,
      });
      const urlHost = announcedIp.includes(':') ? `[${announcedIp}]` : announcedIp;
      const baseUrl = `${tls ? 'https' : 'http'}://${urlHost}:${httpPort}`;
      if (config.redisUrl && config.clusterSecret) {
        const nodeId = config.nodeId ?? `${os.hostname()}-${httpPort}`;
        const url = config.publicUrl ?? baseUrl;
        // Pipes between nodes listen where media does: the LAN/public address.
        const span = config.clusterSpan ? { pipeListen: { ip: config.listenIp, announcedAddress: announcedIp } } : undefined;
        cluster = await ClusterNode.start({ redisUrl: config.redisUrl, secret: config.clusterSecret, nodeId, url, nodeTtlMs: config.clusterNodeTtlMs, span, resumeWindowMs: config.resumeWindowMs }, { rooms, pool, logger });
        rooms.placement = cluster;
      }
      const discovery = config.discovery ? new Discovery({ logger, mdns: options.mdns }) : undefined;
      const host = new Host({ config, logger, pool, rooms, signaling, server, announcedIp, baseUrl, httpPort, tls, adminToken, ownerKey, discovery, cluster });
      logger.info(
        { announcedIp, httpPort, rtcPorts: pool.ports, tls: Boolean(tls), fingerprint: tls?.fingerprint },
        `firewall: allow TCP ${httpPort} (signaling + web app) and UDP+TCP ${describePorts(pool.ports)} (media)`,
      );
      return host;
    } catch (error) {
      await cluster?.stop();
      server?.close();
      rooms.closeAll();
      pool.close();
      throw error;
    }
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** The link a guest opens. Carries the certificate fingerprint so the desktop app can pin it. */
  joinUrl(roomId: string): string {
    const url = new URL(this.baseUrl);
    url.searchParams.set('room', roomId);
    const fingerprint = this.#fingerprintHex;
    if (fingerprint) url.searchParams.set('fp', fingerprint);
    return url.toString();
  }

  /** The link that makes whoever opens it the room's host (the key stays in the fragment, never sent over HTTP). */
  ownerJoinUrl(roomId: string): string {
    return `${this.joinUrl(roomId)}#owner=${encodeURIComponent(this.ownerKey)}`;
  }

  /** Whether rooms opened from now on start with a waiting room (the desktop app's setting). */
  setWaitingRoomDefault(enabled: boolean): void {
    this.rooms.waitingRoomByDefault = enabled;
  }

  get ports(): { http: number; rtc: number[] } {
    return { http: this.httpPort, rtc: this.pool.ports };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.discovery?.close();
    // Out of the cluster first: no join is sent here any more, and the rooms' claims are released.
    await this.cluster?.stop();
    // Rooms first, so every participant is told the meeting ended before the sockets close.
    this.rooms.closeAll();
    await this.signaling.close();
    this.pool.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.logger.info('host stopped');
    this.logger.flush?.();
  }
}

/** Every name the web app can be reached by: the announced address, the host's LAN addresses and host name. */
function webAppHosts(listenIp: string, announcedIp: string): string[] {
  const hosts = new Set<string>([announcedIp, listenIp, os.hostname(), `${os.hostname()}.local`]);
  if (listenIp === '0.0.0.0' || listenIp === '::') {
    for (const addresses of Object.values(os.networkInterfaces())) for (const address of addresses ?? []) hosts.add(address.address);
  }
  hosts.delete('0.0.0.0');
  hosts.delete('::');
  return [...hosts];
}

function describePorts(ports: number[]): string {
  if (ports.length === 1) return String(ports[0]);
  const sorted = [...ports].sort((a, b) => a - b);
  const contiguous = sorted.every((p, i) => i === 0 || p === sorted[i - 1]! + 1);
  return contiguous ? `${sorted[0]}-${sorted.at(-1)}` : sorted.join(', ');
}

