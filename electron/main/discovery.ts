import type { DiscoveredMeeting } from '../../shared/ipc';
import { normalizeFingerprint } from './certificates';

/** electron/host's Discovery.browse: calls back with the full list, returns the stop function. */
export type Browse = (listener: (meetings: Array<Omit<DiscoveredMeeting, 'fingerprint'> & { fingerprint?: string }>) => void) => () => void;

/**
 * LAN meetings for the app window. Browsing (multicast traffic) runs only while the page is
 * subscribed; a reload drops the subscription, and the new page subscribes again.
 */
export class DiscoveryFeed {
  readonly #browse: () => Browse;
  readonly #send: (meetings: DiscoveredMeeting[]) => void;
  #stop: (() => void) | undefined;
  #meetings: DiscoveredMeeting[] = [];

  constructor(browse: () => Browse, send: (meetings: DiscoveredMeeting[]) => void) {
    this.#browse = browse;
    this.#send = send;
  }

  subscribe(): DiscoveredMeeting[] {
    this.#stop ??= this.#browse()((found) => {
      this.#meetings = found.map(clean);
      this.#send(this.#meetings);
    });
    return this.#meetings;
  }

  unsubscribe(): void {
    this.#stop?.();
    this.#stop = undefined;
    this.#meetings = [];
  }
}

/** mDNS is unauthenticated: keep a fingerprint only if it has the one valid form. */
function clean(meeting: Parameters<Parameters<Browse>[0]>[0][number]): DiscoveredMeeting {
  const fingerprint = meeting.fingerprint ? normalizeFingerprint(meeting.fingerprint) : undefined;
  return { roomId: meeting.roomId, name: meeting.name, hostName: meeting.hostName, url: meeting.url, ...(fingerprint ? { fingerprint } : {}) };
}
