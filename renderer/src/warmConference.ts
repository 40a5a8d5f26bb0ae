import { Conference } from './conference';
import type { E2eeSession } from './e2ee';

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
 * Has the warm Conference connect the transports of meeting `roomId` on its host ahead of Join
 * (not for end-to-end encrypted meetings). Resolves whether they are ready; never rejects.
 */
export function warmUpMeeting(url: string, roomId: string): Promise<boolean> {
  warmUp(url);
  return warm!.conference.prepare({ roomId }).catch(() => false);
}

/**
 * Starts joining on the warm Conference the moment the user presses Join, before the meeting view
 * has rendered; the view's own join() (same parameters) then takes this attempt over.
 */
export function startJoin(request: { hostUrl: string; roomId: string; displayName: string; passcode?: string; ownerKey?: string; e2ee?: E2eeSession }): void {
  if (warm?.url !== request.hostUrl) return;
  request.e2ee?.attach(warm.conference);
  warm.conference.startJoin({ roomId: request.roomId, displayName: request.displayName, passcode: request.passcode, ownerKey: request.ownerKey });
}

/** The warm Conference for `url` (or a new one), encrypting with `e2ee` when the meeting is end-to-end encrypted. */
export function takeConference(url: string, e2ee?: E2eeSession): Conference {
  let conference: Conference;
  if (warm?.url === url) {
    conference = warm.conference;
    warm = undefined;
  } else {
    conference = new Conference({ url });
  }
  e2ee?.attach(conference);
  return conference;
}
