import type { TrustedOrigins } from './origins';

const maxUrlLength = 2048;

/**
 * The URL to hand to the system browser, or undefined. Only plain http(s) with a host and no
 * credentials: `file:`, `javascript:`, custom schemes and smuggled control characters never reach
 * shell.openExternal (which would launch whatever program the OS maps them to).
 */
export function safeExternalUrl(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > maxUrlLength || /[\s\p{Cc}]/u.test(input)) return undefined;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (!url.hostname || url.username || url.password) return undefined;
  return url.toString();
}

export type NavigationDecision = 'allow' | 'external' | 'block';

/** In-window navigation: the app page and meeting hosts stay; other web links go to the browser. */
export function decideNavigation(url: string, origins: TrustedOrigins): NavigationDecision {
  if (origins.isTrusted(url)) return 'allow';
  return safeExternalUrl(url) ? 'external' : 'block';
}

/** window.open never makes a second window: web links open in the system browser instead. */
export function decideWindowOpen(url: string): 'external' | 'block' {
  return safeExternalUrl(url) ? 'external' : 'block';
}
