import { Conference } from './conference';

/**
 * One Conference warmed up while the user is still in the lobby (socket connected, Device loaded),
 * so pressing Join goes straight to the join request. Handed to the meeting view if it is for the
 * same host; replaced when the host changes.
 */
let warm: { url: string; conference: Conference } | undefined;

export function warmUp(url: string): void {
  if (warm?.url === url) return;
  void warm?.conference.leave();
  const conference = new Conference({ url });
  warm = { url, conference };
  conference.prepare().catch(() => undefined); // join() reports what went wrong
}

/**
 * Starts joining on the warm Conference the moment the user presses Join, before the meeting view
 * has rendered; the view's own join() (same parameters) then takes this attempt over.
 */
export function startJoin(request: { hostUrl: string; roomId: string; displayName: string; passcode?: string; ownerKey?: string }): void {
  if (warm?.url !== request.hostUrl) return;
  warm.conference.startJoin({ roomId: request.roomId, displayName: request.displayName, passcode: request.passcode, ownerKey: request.ownerKey });
}

export function takeConference(url: string): Conference {
  if (warm?.url === url) {
    const { conference } = warm;
    warm = undefined;
    return conference;
  }
  return new Conference({ url });
}
