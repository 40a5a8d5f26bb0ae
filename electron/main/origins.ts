/** The privileged scheme the app's own page is served from (see appProtocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'roundtable';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `scheme://host:port`. WHATWG `origin` is "null" for custom schemes, so it is built by hand. */
export function originOf(url: string): string | undefined {
  const parsed = parse(url);
  if (!parsed || !parsed.host) return undefined;
  return `${parsed.protocol}//${parsed.host}`;
}

/**
 * Which pages the app trusts: its own page (the only one allowed to use IPC) and the meeting hosts
 * the user chose (the one it hosts, links it opened), which may also use the camera and navigate.
 */
export class TrustedOrigins {
  readonly appOrigin: string;
  readonly #meetingHosts = new Set<string>();

  /** `appUrl` is app://roundtable/… when packaged, or the Vite dev server in development. */
  constructor(appUrl: string) {
    const origin = originOf(appUrl);
    if (!origin) throw new Error(`invalid app URL: ${appUrl}`);
    this.appOrigin = origin;
  }

  isAppPage(url: string): boolean {
    return originOf(url) === this.appOrigin;
  }

  addMeetingHost(url: string): void {
    const origin = originOf(url);
    if (origin && /^https?:/.test(origin)) this.#meetingHosts.add(origin);
  }

  removeMeetingHost(url: string): void {
    const origin = originOf(url);
    if (origin) this.#meetingHosts.delete(origin);
  }

  isMeetingHost(url: string): boolean {
    const origin = originOf(url);
    return origin !== undefined && this.#meetingHosts.has(origin);
  }

  isTrusted(url: string): boolean {
    return this.isAppPage(url) || this.isMeetingHost(url);
  }
}
