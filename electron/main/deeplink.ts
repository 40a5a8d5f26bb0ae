import { RoomId } from '../../shared/protocol';

export const LINK_SCHEME = 'roundtable';

/** A meeting link that passed every check, with the https join URL it stands for. */
export interface MeetingLink {
  /** `https://host:port` (plain http only for loopback hosts). */
  hostUrl: string;
  hostname: string;
  roomId: string;
  /** SHA-256 of the host certificate, 64 lower-case hex; present when the link carried one. */
  fingerprint?: string;
  /** `https://host:port/?room=…&fp=…`, the same form Host.joinUrl() produces. */
  url: string;
}

const maxLinkLength = 2048;
const fingerprintPattern = /^[0-9a-f]{64}$/;
const dnsName = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const ipv6 = /^\[[0-9a-f:.]+\]$/;

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
}

/**
 * Parses `roundtable://host:port/room?fp=…` and `https://host:port/?room=…&fp=…`. Anything else,
 * or anything odd in one (credentials, control characters, a second `fp`, a path that is not one
 * room id, a malformed fingerprint or host), is refused: these strings come from other programs.
 */
export function parseMeetingLink(input: unknown): MeetingLink | undefined {
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (text.length === 0 || text.length > maxLinkLength || /[\s\p{Cc}\\]/u.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme !== LINK_SCHEME && scheme !== 'https' && scheme !== 'http') return undefined;
  if (url.username || url.password || !url.host) return undefined;

  // roundtable: is not a "special" scheme, so its host is not normalised: re-parse it as https.
  let web: URL;
  try {
    web = new URL(`https://${url.host}`);
  } catch {
    return undefined;
  }
  const hostname = web.hostname.toLowerCase();
  if (!dnsName.test(hostname) && !ipv4.test(hostname) && !ipv6.test(hostname)) return undefined;
  if (url.port && (Number(url.port) < 1 || Number(url.port) > 65535)) return undefined;
  if (scheme === 'http' && !isLoopbackHost(hostname)) return undefined;

  const rooms = url.searchParams.getAll('room');
  const fingerprints = url.searchParams.getAll('fp');
  if (rooms.length > 1 || fingerprints.length > 1) return undefined;
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.length > 1 || (segments.length === 1 && rooms.length === 1)) return undefined;
  let roomText: string | undefined;
  try {
    roomText = rooms[0] ?? (segments[0] === undefined ? undefined : decodeURIComponent(segments[0]));
  } catch {
    return undefined;
  }
  const room = RoomId.safeParse(roomText);
  if (!room.success || room.data !== roomText) return undefined;

  const fingerprint = fingerprints[0];
  if (fingerprint !== undefined && !fingerprintPattern.test(fingerprint)) return undefined;

  const hostUrl = `${scheme === 'http' ? 'http' : 'https'}://${web.host}`;
  const join = new URL(hostUrl);
  join.searchParams.set('room', room.data);
  if (fingerprint) join.searchParams.set('fp', fingerprint);
  return { hostUrl, hostname: web.hostname, roomId: room.data, fingerprint, url: join.toString() };
}

/** The roundtable:// link among a second instance's (or the first launch's) command line. */
export function findLinkInArgv(argv: readonly string[]): string | undefined {
  return argv.find((arg) => arg.toLowerCase().startsWith(`${LINK_SCHEME}://`));
}
