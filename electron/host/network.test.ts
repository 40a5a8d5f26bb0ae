import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { interfaceKindFromSysfs, lanCandidates, pickAnnouncedIp, type InterfaceKind } from './network';

const v4 = (address: string, internal = false): os.NetworkInterfaceInfo =>
  ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` });

describe('announced address', () => {
  const interfaces = {
    lo: [v4('127.0.0.1', true)],
    docker0: [v4('172.17.0.1')],
    'br-5e1f': [v4('172.18.0.1')],
    tun0: [v4('10.8.0.2')],
    wg0: [v4('10.9.0.2')],
    wlan0: [v4('169.254.10.3'), v4('192.168.1.20')],
    eth0: [v4('10.0.0.5')],
  };

  const plainLinks = (): InterfaceKind => 'link';

  it('skips loopback, link-local, bridges and VPN tunnels, and prefers the default-route interface', () => {
    expect(lanCandidates(interfaces, 'wlan0', plainLinks).map((c) => c.address)).toEqual(['192.168.1.20', '10.0.0.5']);
    expect(lanCandidates(interfaces, 'eth0', plainLinks)[0]?.address).toBe('10.0.0.5');
  });

  it('knows a VPN or a bridge by its kind, not its name: a tunnel is never announced, even with the default route', () => {
    const odd = { corpvpn: [v4('10.8.0.2')], lanbr: [v4('172.20.0.1')], eno1: [v4('192.168.1.20')] };
    const kinds: Record<string, InterfaceKind> = { corpvpn: 'tunnel', lanbr: 'bridge', eno1: 'link' };
    expect(lanCandidates(odd, 'corpvpn', (name) => kinds[name] ?? 'link').map((c) => c.name)).toEqual(['eno1', 'lanbr']);
    expect(lanCandidates(odd, undefined, (name) => kinds[name] ?? 'link')[0]?.name).toBe('eno1');
  });

  it('reads the kind from sysfs (tun_flags, bridge/, link type)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sysfs-'));
    const make = (name: string, files: Record<string, string>) => {
      fs.mkdirSync(path.join(root, name), { recursive: true });
      for (const [file, content] of Object.entries(files)) {
        if (content === 'dir') fs.mkdirSync(path.join(root, name, file));
        else fs.writeFileSync(path.join(root, name, file), content);
      }
    };
    make('vpn0', { tun_flags: '0x1001\n', type: '65534\n' });
    make('wg1', { type: '65534\n' });
    make('docker7', { bridge: 'dir', type: '1\n' });
    make('eno1', { type: '1\n' });
    try {
      expect(['vpn0', 'wg1', 'docker7', 'eno1', 'missing0'].map((name) => interfaceKindFromSysfs(name, root))).toEqual(['tunnel', 'tunnel', 'bridge', 'link', 'link']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('uses the override, then a specific listen address', () => {
    expect(pickAnnouncedIp('203.0.113.7', '0.0.0.0')).toBe('203.0.113.7');
    expect(pickAnnouncedIp(undefined, '127.0.0.1')).toBe('127.0.0.1');
  });

  it('has nothing to offer on a machine with only loopback and virtual interfaces', () => {
    expect(lanCandidates({ lo: interfaces.lo, docker0: interfaces.docker0 }, undefined, plainLinks)).toEqual([]);
  });
});
