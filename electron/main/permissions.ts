import type { Session } from 'electron';
import type { TrustedOrigins } from './origins';

type Permission = Parameters<NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>>[1];

/** Camera, microphone, screen capture and what a meeting page needs around them. */
const meetingPermissions: ReadonlySet<string> = new Set(['media', 'display-capture', 'speaker-selection', 'fullscreen']);
/** Copying the join link is the app page's own business. */
const appOnlyPermissions: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/**
 * One rule for requests and checks: meeting permissions for the app page and the current meeting
 * hosts; the clipboard for the app page; nothing for anyone else (geolocation, USB, MIDI, …).
 * Iframes never get anything: a meeting page has no business embedding a third party with a camera.
 */
export function isPermissionAllowed(origins: TrustedOrigins, permission: string, url: string | undefined, isMainFrame: boolean): boolean {
  if (!url || !isMainFrame) return false;
  if (appOnlyPermissions.has(permission)) return origins.isAppPage(url);
  if (meetingPermissions.has(permission)) return origins.isTrusted(url);
  return false;
}

export function installPermissionHandlers(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
  origins: TrustedOrigins,
): void {
  session.setPermissionRequestHandler((_webContents, permission: Permission, callback, details) => {
    callback(isPermissionAllowed(origins, permission, details.requestingUrl, details.isMainFrame));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) => {
    // Checks (e.g. enumerateDevices labels) name an origin; requestingUrl is absent for some of them.
    const url = details.requestingUrl || requestingOrigin;
    return isPermissionAllowed(origins, permission, url, details.isMainFrame);
  });
}
