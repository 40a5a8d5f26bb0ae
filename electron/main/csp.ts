import type { Session } from 'electron';

/**
 * The app page's Content-Security-Policy, sent as a header (index.html also carries a meta copy
 * for the browser build). Meetings are reached over https/wss on any LAN host; plain http/ws only
 * on loopback, where the host allows it.
 */
export function contentSecurityPolicy(options: { dev: boolean }): string {
  const directives = [
    "default-src 'self'",
    // Vite's dev server injects an inline React refresh preamble; the packaged app has none.
    // 'wasm-unsafe-eval': compiling the app's own WebAssembly (RNNoise, MediaPipe); no JS eval.
    options.dev ? "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'" : "script-src 'self' 'wasm-unsafe-eval'",
    // React sets style properties through the CSSOM (not governed by CSP); Vite's dev server injects <style>.
    options.dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "worker-src 'self' blob:",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "connect-src 'self' https: wss: http://127.0.0.1:* ws://127.0.0.1:* http://localhost:* ws://localhost:*",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
  ];
  return directives.join('; ');
}

/** Replaces any CSP on responses for the app's own pages; other origins keep their own headers. */
export function installCsp(session: Pick<Session, 'webRequest'>, isAppPage: (url: string) => boolean, policy: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppPage(details.url)) return callback({});
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [policy] } });
  });
}
