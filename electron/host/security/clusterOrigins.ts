/**
 * Where a cluster's nodes may be (ROUNDTABLE_CLUSTER_ORIGINS), for the browser guest's sake: a page
 * keeps the Content-Security-Policy it was served with, so the nodes it may fail over to must be
 * allowed when it loads — also nodes added later. Each entry is `http(s)://host[:port]` in CSP
 * host-source syntax, the host optionally `*.`-prefixed (any subdomain of it, not itself) and the
 * port `*` (any): e.g. `https://*.meet.example.org` or `http://10.0.0.5:*`. The operator names
 * them; nothing a client or Redis says widens them.
 */
export const CLUSTER_ORIGIN = /^(https?):\/\/(\*\.)?([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\])(?::(\d{1,5}|\*))?$/i;

interface ClusterOrigin {
  scheme: 'http' | 'https';
  anySubdomain: boolean;
  host: string;
  /** undefined: the scheme's default port; '*': any. */
  port?: string;
}

function parse(text: string): ClusterOrigin | undefined {
  const match = CLUSTER_ORIGIN.exec(text.trim());
  if (!match) return undefined;
  return { scheme: match[1]!.toLowerCase() as 'http' | 'https', anySubdomain: Boolean(match[2]), host: match[3]!.toLowerCase(), port: match[4] };
}

/** The CSP `connect-src` sources for the patterns: each as given, and its ws(s) form (older engines do not match ws by http sources). */
export function clusterOriginSources(patterns: readonly string[]): string[] {
  const sources: string[] = [];
  for (const pattern of patterns) {
    const origin = parse(pattern);
    if (!origin) continue;
    const hostPort = `${origin.anySubdomain ? '*.' : ''}${origin.host}${origin.port ? `:${origin.port}` : ''}`;
    sources.push(`${origin.scheme}://${hostPort}`, `${origin.scheme === 'https' ? 'wss' : 'ws'}://${hostPort}`);
  }
  return sources;
}

/** Whether a page's origin (`scheme://host:port`, port explicit) is one of the patterns: a page served by any node, also one that is gone, may use this one. */
export function matchesClusterOrigin(patterns: readonly string[], origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const scheme = url.protocol.slice(0, -1);
  const host = url.hostname.toLowerCase();
  const port = url.port || (scheme === 'https' ? '443' : '80');
  return patterns.some((pattern) => {
    const allowed = parse(pattern);
    if (!allowed || allowed.scheme !== scheme) return false;
    if (allowed.port !== '*' && (allowed.port ?? (scheme === 'https' ? '443' : '80')) !== port) return false;
    return allowed.anySubdomain ? host.endsWith(`.${allowed.host}`) : host === allowed.host;
  });
}
