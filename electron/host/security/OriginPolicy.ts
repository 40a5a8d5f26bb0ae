import { matchesClusterOrigin } from './clusterOrigins';

/**
 * Which web origins may open a signaling connection. Browsers attach the Origin header to every
 * WebSocket and cross-origin request, and any page the host's user (or a guest) visits could
 * otherwise connect to the host with their network position: only the host's own web app (at any
 * of the addresses it is reached by), the desktop app, and origins the operator names may.
 * Requests without an Origin (native clients, tests) are not a browser page acting for a user.
 */
export interface OriginPolicyOptions {
  /** Ports the host's web app is served on. */
  port: number;
  /** Host names and addresses the web app is reached by (announced address, LAN addresses, host name). */
  hosts: readonly string[];
  /** Loopback in development: any loopback origin on any port (the Vite dev server). */
  allowAnyLoopbackPort: boolean;
  /** Extra origins from the operator (reverse proxy, DNS name), exact `scheme://host[:port]`. */
  extra: readonly string[];
  /** Origins known only at run time: a cluster's other nodes (their pages fail over to this one). */
  live?: () => readonly string[];
  /** Where the cluster's nodes may be (ROUNDTABLE_CLUSTER_ORIGINS): pages of nodes that are gone, or not yet seen, fail over here too. */
  clusterOrigins?: readonly string[];
}

export const DESKTOP_APP_ORIGIN = 'app://roundtable';
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

export class OriginPolicy {
  readonly #allowed = new Set<string>();
  readonly #anyLoopbackPort: boolean;
  readonly #live?: () => readonly string[];
  readonly #clusterOrigins: readonly string[];

  constructor(options: OriginPolicyOptions) {
    this.#anyLoopbackPort = options.allowAnyLoopbackPort;
    this.#live = options.live;
    this.#clusterOrigins = options.clusterOrigins ?? [];
    this.#allowed.add(DESKTOP_APP_ORIGIN);
    for (const host of [...options.hosts, ...LOOPBACK_HOSTS]) {
      const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      for (const scheme of ['https', 'http']) this.#allowed.add(`${scheme}://${name.toLowerCase()}:${options.port}`);
    }
    for (const origin of options.extra) this.#allowed.add(normalize(origin) ?? origin);
  }

  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const normalized = normalize(origin);
    if (!normalized) return false;
    if (this.#allowed.has(normalized)) return true;
    if (this.#live?.().some((live) => normalize(live) === normalized)) return true;
    if (matchesClusterOrigin(this.#clusterOrigins, normalized)) return true;
    if (this.#anyLoopbackPort) {
      const url = new URL(normalized);
      return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.includes(url.hostname);
    }
    return false;
  }
}

function normalize(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol === 'app:') return `${url.protocol}//${url.host}`;
    const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
    return `${url.protocol}//${url.hostname.toLowerCase()}:${port}`;
  } catch {
    return undefined;
  }
}
