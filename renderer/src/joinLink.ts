/** What a pasted link or code means: which host, which room. */
export interface JoinTarget {
  hostUrl?: string;
  roomId: string;
  fingerprint?: string;
  /** The end-to-end encryption key from the link's fragment (`#key=`), when it has one. */
  meetingKey?: string;
}

/**
 * Accepts a room code ("standup") or a meeting link ("https://10.0.0.5:4443/?room=standup&fp=...",
 * "roundtable://10.0.0.5:4443/standup?fp=..."). Returns undefined for anything else.
 */
export function parseJoinInput(input: string): JoinTarget | undefined {
  const text = input.trim();
  if (/^[\p{L}\p{N}_.-]{1,64}$/u.test(text)) return { roomId: text };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const fingerprint = url.searchParams.get('fp') ?? undefined;
  const meetingKey = new URLSearchParams(url.hash.replace(/^#/, '')).get('key') || undefined;
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    const roomId = url.searchParams.get('room') ?? url.pathname.split('/').filter(Boolean).at(-1);
    if (!roomId || !/^[\p{L}\p{N}_.-]{1,64}$/u.test(roomId)) return undefined;
    return { hostUrl: url.origin, roomId, fingerprint, meetingKey };
  }
  if (url.protocol === 'roundtable:') {
    const roomId = url.searchParams.get('room') ?? url.pathname.split('/').filter(Boolean).at(-1);
    if (!roomId || !/^[\p{L}\p{N}_.-]{1,64}$/u.test(roomId) || !url.host) return undefined;
    return { hostUrl: `https://${url.host}`, roomId, fingerprint, meetingKey };
  }
  return undefined;
}

/**
 * The host link's owner key (`#owner=<key>`, in the fragment so it is never sent over HTTP or
 * logged by the host). Read once, then removed from the address bar so it is not shown, shared
 * or bookmarked with the page.
 */
export function takeOwnerKey(location: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location, history: Pick<History, 'replaceState'> = window.history): string | undefined {
  return takeFragmentSecret('owner', location, history);
}

/** The end-to-end encryption key of a meeting link (`#key=<key>`): like the owner key, fragment only, read once. */
export function takeMeetingKey(location: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location, history: Pick<History, 'replaceState'> = window.history): string | undefined {
  return takeFragmentSecret('key', location, history);
}

/** Reads `name` from the fragment and removes it from the address bar, keeping the fragment's other entries. */
function takeFragmentSecret(name: string, location: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState'>): string | undefined {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const value = fragment.get(name) ?? undefined;
  if (value === undefined) return undefined;
  fragment.delete(name);
  const rest = fragment.toString();
  history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return value || undefined;
}
