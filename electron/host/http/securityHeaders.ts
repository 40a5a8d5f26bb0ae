import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { clusterOriginSources } from '../security/clusterOrigins';

/** `name:port`, `1.2.3.4:port` or `[v6]:port`: anything else is not put into a header. */
const hostHeader = /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;

/**
 * The guest page's Content-Security-Policy. The page talks only to the host that served it:
 * socket.io and /api over the same origin. `'self'` covers same-origin ws(s) in CSP Level 3, and
 * the explicit ws(s) origin keeps older engines (Safari before 15.4) working. Nothing inline runs
 * (the built index.html loads one module script and one stylesheet), nothing may frame the page
 * (clickjacking the camera prompt or the host controls), and no other host can be reached: a link
 * that points the page's SDK at another server (`?host=`) cannot send the guest's media elsewhere
 * under this origin's camera permission.
 */
export function guestPageCsp(requestHost: string | undefined, encrypted: boolean, clusterNodeUrls: readonly string[] = [], clusterOrigins: readonly string[] = []): string {
  const socketOrigin =
    (requestHost && hostHeader.test(requestHost) ? ` ${encrypted ? 'wss' : 'ws'}://${requestHost.toLowerCase()}` : '') +
    clusterConnectSources(clusterNodeUrls) +
    clusterOriginSources(clusterOrigins).map((source) => ` ${source}`).join('');
  return [
    "default-src 'none'",
    // 'wasm-unsafe-eval': compiling the app's own WebAssembly (RNNoise, MediaPipe); no JS eval.
    "script-src 'self' 'wasm-unsafe-eval'",
    // React sets style properties through the CSSOM, which CSP does not govern; no inline <style>.
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self'${socketOrigin}`,
    "worker-src 'self' blob:",
    "font-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * A clustered host's page may reconnect to the cluster's other nodes (failover, or a meeting
 * hosted elsewhere): their origins, and their ws(s) forms, are allowed as well, nothing else —
 * the live ones when the page loads, and those the operator's ROUNDTABLE_CLUSTER_ORIGINS name (a
 * page keeps its CSP: only those reach a node added after it loaded).
 */
function clusterConnectSources(nodeUrls: readonly string[]): string {
  const sources = new Set<string>();
  for (const nodeUrl of nodeUrls) {
    try {
      const url = new URL(nodeUrl);
      if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !hostHeader.test(url.host)) continue;
      sources.add(url.origin);
      sources.add(`${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`);
    } catch {
      // Not a URL: left out.
    }
  }
  return [...sources].map((source) => ` ${source}`).join('');
}

/** For JSON answers: nothing to run, nothing to frame. */
export const apiCsp = "default-src 'none'; frame-ancestors 'none'";

/** Headers every answer carries, page or API. */
export function setCommonSecurityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // Old engines that ignore frame-ancestors.
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** The guest page and its assets: the CSP above, own-window isolation, only the media permissions. */
export function setGuestPageHeaders(req: IncomingMessage, res: ServerResponse, clusterNodeUrls?: readonly string[], clusterOrigins?: readonly string[]): void {
  res.setHeader('Content-Security-Policy', guestPageCsp(req.headers.host, Boolean((req.socket as Partial<TLSSocket>).encrypted), clusterNodeUrls, clusterOrigins));
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader(
    'Permissions-Policy',
    'camera=(self), microphone=(self), display-capture=(self), fullscreen=(self), geolocation=(), usb=(), serial=(), hid=(), payment=()',
  );
}

/** Source maps are never served, even when a development build left some in the web root. */
export function isSourceMapPath(pathname: string): boolean {
  return pathname.toLowerCase().endsWith('.map');
}
