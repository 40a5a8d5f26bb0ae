import os from 'node:os';
import fs from 'node:fs';

export interface NetworkCandidate {
  name: string;
  address: string;
}

/** Interfaces a LAN guest can never reach: container bridges, VPN tunnels, virtual switches. */
const VIRTUAL_INTERFACE = /^(docker|br-|veth|virbr|vboxnet|vmnet|tun|tap|wg|utun|zt|tailscale|ppp|ipsec|llw|awdl|lxc|lxd|cni|flannel|cali|podman)/i;

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip === 'localhost';
}

/** IPv4 addresses worth announcing, best first. */
export function lanCandidates(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
  defaultRouteInterface: string | undefined = readDefaultRouteInterface(),
): NetworkCandidate[] {
  const candidates: NetworkCandidate[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    if (!infos || VIRTUAL_INTERFACE.test(name)) continue;
    for (const info of infos) {
      if (info.family !== 'IPv4' || info.internal) continue;
      if (info.address.startsWith('169.254.')) continue; // link-local: no DHCP, not a real LAN
      candidates.push({ name, address: info.address });
    }
  }
  const rank = (c: NetworkCandidate) => (c.name === defaultRouteInterface ? 0 : isPrivate(c.address) ? 1 : 2);
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
