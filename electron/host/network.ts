import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';

export interface NetworkCandidate {
  name: string;
  address: string;
}

/** Interfaces a LAN guest can never reach, by their usual names: container bridges, VPN tunnels, virtual switches. */
const VIRTUAL_INTERFACE = /^(docker|br-|veth|virbr|vboxnet|vmnet|tun|tap|wg|utun|zt|tailscale|ppp|ipsec|llw|awdl|lxc|lxd|cni|flannel|cali|podman)/i;

/**
 * What an interface is, whatever it is called: `tunnel` (tun/tap, WireGuard, PPP, IP-in-IP, GRE:
 * a VPN, never reachable from the LAN), `bridge` (a software switch, usually containers or VMs),
 * or `link` (anything else: Ethernet, Wi-Fi, a container's own veth).
 */
export type InterfaceKind = 'tunnel' | 'bridge' | 'link';

/** ARPHRD_* link types of tunnels: PPP, IP-in-IP, SIT, IP6-in-IP6, GRE, IP6GRE, NONE (tun, WireGuard). */
const TUNNEL_LINK_TYPES = new Set([512, 768, 769, 776, 778, 823, 65534]);

/** Linux tells the kind in /sys/class/net; elsewhere only the name can tell. */
export function interfaceKindFromSysfs(name: string, sysfs = '/sys/class/net'): InterfaceKind {
  const dir = path.join(sysfs, path.basename(name));
  try {
    if (fs.existsSync(path.join(dir, 'tun_flags'))) return 'tunnel';
    if (fs.existsSync(path.join(dir, 'bridge'))) return 'bridge';
    if (TUNNEL_LINK_TYPES.has(Number(fs.readFileSync(path.join(dir, 'type'), 'utf8').trim()))) return 'tunnel';
  } catch {
    /* not Linux, or the interface went away */
  }
  return 'link';
}

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip === 'localhost';
}

/** IPv4 addresses worth announcing, best first. */
export function lanCandidates(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
  defaultRouteInterface: string | undefined = readDefaultRouteInterface(),
  kindOf: (name: string) => InterfaceKind = interfaceKindFromSysfs,
): NetworkCandidate[] {
  const candidates: NetworkCandidate[] = [];
  const kinds = new Map<string, InterfaceKind>();
  for (const [name, infos] of Object.entries(interfaces)) {
    if (!infos || VIRTUAL_INTERFACE.test(name)) continue;
    const kind = kindOf(name);
    if (kind === 'tunnel') continue;
    kinds.set(name, kind);
    for (const info of infos) {
      if (info.family !== 'IPv4' || info.internal) continue;
      if (info.address.startsWith('169.254.')) continue; // link-local: no DHCP, not a real LAN
      candidates.push({ name, address: info.address });
    }
  }
  // The default route wins (unless it is a VPN's, skipped above); then real links before software
  // bridges (a bridge can be the LAN, but is more often a VM or container switch), private first.
  const rank = (c: NetworkCandidate) =>
    c.name === defaultRouteInterface ? 0 : 1 + (kinds.get(c.name) === 'bridge' ? 2 : 0) + (isPrivate(c.address) ? 0 : 1);
  return candidates.sort((a, b) => rank(a) - rank(b));
}

/** The address to announce in ICE candidates and join links, or loopback when there is no LAN. */
export function pickAnnouncedIp(override?: string, listenIp?: string): string {
  if (override) return override;
  if (listenIp && listenIp !== '0.0.0.0' && listenIp !== '::') return listenIp;
  return lanCandidates()[0]?.address ?? '127.0.0.1';
}

function isPrivate(ip: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
}

/** Linux exposes the routing table in /proc; elsewhere the private-range ranking decides. */
function readDefaultRouteInterface(): string | undefined {
  try {
    const lines = fs.readFileSync('/proc/net/route', 'utf8').trim().split('\n').slice(1);
    const defaults = lines.map((line) => line.split(/\s+/)).filter((cols) => cols[1] === '00000000');
    defaults.sort((a, b) => Number(a[6]) - Number(b[6])); // lowest metric wins
    return defaults[0]?.[0];
  } catch {
    return undefined;
  }
}
