import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CustomScheme, Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './origins';

/**
 * app://roundtable serves the built renderer. A standard, secure scheme gives the page a real
 * origin and a secure context (getUserMedia needs one) without file:// and its shared origin.
 * Must be registered before the app is ready.
 */
export const appScheme: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
};

/** The file under `root` an app:// URL names, or undefined for other hosts and path escapes. */
export function resolveAppFile(root: string, requestUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  const base = path.resolve(root);
  const file = path.resolve(base, pathname === '/' || pathname === '' ? 'index.html' : `.${pathname}`);
  return file.startsWith(base + path.sep) ? file : undefined;
}

/** Serves `root` on app://roundtable with the CSP header on every response. */
export function serveAppProtocol(
  protocol: Pick<Protocol, 'handle'>,
  fetchFile: (fileUrl: string) => Promise<Response>,
  root: string,
  csp: string,
): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(root, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await fetchFile(pathToFileURL(file).toString()).catch(() => new Response('Not found', { status: 404 }));
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', csp);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
