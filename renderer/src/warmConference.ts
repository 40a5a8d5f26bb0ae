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

export function takeConference(url: string): Conference {
  if (warm?.url === url) {
    const { conference } = warm;
    warm = undefined;
    return conference;
  }
  return new Conference({ url });
}
