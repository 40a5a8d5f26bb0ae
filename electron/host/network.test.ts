import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanCandidates, pickAnnouncedIp } from './network';

const v4 = (address: string, internal = false): os.NetworkInterfaceInfo =>
  ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` }) as os.NetworkInterfaceInfo;

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

  it('skips loopback, link-local, bridges and VPN tunnels, and prefers the default-route interface', () => {
    expect(lanCandidates(interfaces, 'wlan0').map((c) => c.address)).toEqual(['192.168.1.20', '10.0.0.5']);
    expect(lanCandidates(interfaces, 'eth0')[0]?.address).toBe('10.0.0.5');
  });

  it('uses the override, then a specific listen address', () => {
    expect(pickAnnouncedIp('203.0.113.7', '0.0.0.0')).toBe('203.0.113.7');
    expect(pickAnnouncedIp(undefined, '127.0.0.1')).toBe('127.0.0.1');
  });

  it('has nothing to offer on a machine with only loopback and virtual interfaces', () => {
    expect(lanCandidates({ lo: interfaces.lo, docker0: interfaces.docker0 }, undefined)).toEqual([]);
  });
});
