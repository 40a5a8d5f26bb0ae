import net from 'node:net';

/** Name suffixes that only resolve inside a site (mDNS, RFC 8375, common router defaults). */
const localSuffixes = ['.local', '.lan', '.home.arpa', '.internal', '.localhost'];

function ipv4Octets(address: string): number[] | undefined {
  if (net.isIPv4(address)) return address.split('.').map(Number);
  // IPv4-mapped IPv6 (::ffff:10.0.0.5): judged by its IPv4 part.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] && net.isIPv4(mapped[1]) ? mapped[1].split('.').map(Number) : undefined;
}

function isPrivateIpv4([a = -1, b = -1]: number[]): boolean {
  return (
    a === 10 ||
    a === 127 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) || // link-local
    (a === 100 && b >= 64 && b <= 127) // carrier-grade NAT, also what Tailscale-style VPNs hand out
  );
}

function isPrivateIpv6(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === '::1') return true;
  const first = Number.parseInt(lower.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 /* fc00::/7 unique local */ || (first & 0xffc0) === 0xfe80; /* fe80::/10 link-local */
}

/**
 * Whether a certificate pin (a join link's `fp`) may stand in for CA validation for `hostname`.
 *
 * Only for addresses a public CA cannot vouch for: private, loopback, link-local and CGNAT IPs,
 * and names that only resolve inside a site (`*.local` from mDNS, single-label names, `.lan`,
 * `.home.arpa`, `.internal`). A public hostname can have a CA certificate, and a pin there would
 * only ever be a downgrade: a link in a phishing mail could carry the fingerprint of an attacker's
 * self-signed certificate for `meet.example.com` and, with DNS or network control, make the app
 * trust it. Public hosts therefore always go through Chromium's normal verification (a headless
 * host on the internet needs a CA certificate, e.g. behind a reverse proxy).
 */
export function isPinnableHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (host === '') return false;
  const octets = ipv4Octets(host);
  if (octets) return isPrivateIpv4(octets);
  if (net.isIPv6(host)) return isPrivateIpv6(host);
  if (host === 'localhost') return true;
  if (!host.includes('.')) return true; // single label: resolved by the LAN's DNS or mDNS only
  return localSuffixes.some((suffix) => host.endsWith(suffix));
}
