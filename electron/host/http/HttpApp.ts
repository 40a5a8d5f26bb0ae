import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import sirv from 'sirv';
import type { IceServer } from '../../../shared/protocol';
import type { RoomRegistry } from '../RoomRegistry';
import type { WorkerPool } from '../WorkerPool';
import { apiCsp, isSourceMapPath, setCommonSecurityHeaders, setGuestPageHeaders } from './securityHeaders';
import { roomStats, workerHealth } from './stats';

export interface HttpAppDeps {
  pool: WorkerPool;
  rooms: RoomRegistry;
  adminToken: string;
  webRoot?: string;
  iceServers: (user: string) => IceServer[];
  /** Clustered hosts: the node, for /api/health (the whole cluster) and the guest page's connect-src (the other nodes). */
  cluster?: () => { health(): Promise<unknown>; nodeUrls(): string[] } | undefined;
  /** Where the cluster's nodes may be (ROUNDTABLE_CLUSTER_ORIGINS): in the guest page's connect-src too. */
  clusterOrigins?: readonly string[];
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The host's HTTP surface: a small JSON API and the guest web app. */
export function createHttpApp(deps: HttpAppDeps): Handler {
  const serveStatic = deps.webRoot && fs.existsSync(deps.webRoot) ? sirv(deps.webRoot, { single: true, etag: true, gzip: true }) : undefined;

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    setCommonSecurityHeaders(res);
    if (url.pathname.startsWith('/api/')) {
      res.setHeader('Content-Security-Policy', apiCsp);
      void api(req, res, url, deps).catch(() => sendJson(res, 500, { error: 'internal' }));
      return;
    }
    setGuestPageHeaders(req, res, deps.cluster?.()?.nodeUrls(), deps.clusterOrigins);
    if (isSourceMapPath(url.pathname)) return sendJson(res, 404, { error: 'not_found' });
    if (serveStatic) {
      serveStatic(req, res, () => sendJson(res, 404, { error: 'not_found' }));
      return;
    }
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    res.end('The Roundtable web app is not built. Run `npm run build` and restart the host.\n');
  };
}

async function api(req: IncomingMessage, res: ServerResponse, url: URL, deps: HttpAppDeps): Promise<void> {
  if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed' });
  const admin = isAdmin(req, deps.adminToken);

  if (url.pathname === '/api/health') {
    const alive = deps.pool.slots.every((slot) => !slot.worker.closed);
    if (!admin) return sendJson(res, alive ? 200 : 503, { status: alive ? 'ok' : 'degraded' });
    const rooms = deps.rooms.all();
    return sendJson(res, alive ? 200 : 503, {
      status: alive ? 'ok' : 'degraded',
      uptimeSeconds: Math.round(process.uptime()),
      workers: await workerHealth(deps.pool),
      rooms: rooms.map((room) => ({ id: room.id, peers: room.peers.size, worker: room.slot.index, locked: room.locked })),
      peers: rooms.reduce((n, room) => n + room.peers.size, 0),
      process: { rssBytes: process.memoryUsage().rss },
      ...(deps.cluster?.() ? { cluster: await deps.cluster()!.health() } : {}),
    });
  }

  const statsMatch = /^\/api\/rooms\/([^/]+)\/stats$/.exec(url.pathname);
  if (statsMatch) {
    if (!admin) return sendJson(res, 401, { error: 'unauthorized', message: 'admin token required' });
    const room = deps.rooms.get(decodeURIComponent(statsMatch[1]!));
    if (!room) return sendJson(res, 404, { error: 'not_found', message: 'no such room' });
    return sendJson(res, 200, await roomStats(room));
  }

  if (url.pathname === '/api/webrtc-config') {
    const user = (url.searchParams.get('user') ?? 'guest').slice(0, 64).replace(/[^\w.-]/g, '_');
    return sendJson(res, 200, { iceServers: deps.iceServers(user) });
  }

  sendJson(res, 404, { error: 'not_found' });
}

/**
 * The admin token travels only in the Authorization header: a `?token=` URL would end up in
 * browser history, proxy and server logs, and Referer headers.
 */
function isAdmin(req: IncomingMessage, adminToken: string): boolean {
  const header = req.headers.authorization;
  const given = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(adminToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
