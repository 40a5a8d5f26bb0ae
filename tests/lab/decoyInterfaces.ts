import { spawn, type ChildProcess } from 'node:child_process';
import type { LabNode } from './Lab';
import { run } from './shell';

/** Opens a TUN device and holds it (its carrier is up only while a process has it open, as a VPN client does). */
const HOLD_TUN = `
import fcntl, os, signal, struct, sys
fds = []
for name in sys.argv[1:]:
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', name.encode(), 0x0001 | 0x1000))  # TUNSETIFF, IFF_TUN | IFF_NO_PI
    fds.append(fd)
print('ready', flush=True)
signal.pause()
`;

/**
 * What a developer laptop has besides its LAN: Docker's bridge (with a container attached), a
 * bridge with an unremarkable name, a `tun0` VPN and a VPN client's tunnel with a name no list knows
 * that also takes the default route (a full-tunnel VPN). All inside the node's namespace.
 * Returns the process holding the tunnels open; killing it (or deleting the namespace) ends them.
 */
export async function addDecoyInterfaces(node: LabNode): Promise<ChildProcess> {
  const ns = ['-n', node.namespace];
  const bridge = async (name: string, cidr: string, port: string) => {
    await run('ip', [...ns, 'link', 'add', 'name', name, 'type', 'bridge']);
    await run('ip', [...ns, 'link', 'add', 'name', `${port}a`, 'type', 'veth', 'peer', 'name', `${port}b`]);
    await run('ip', [...ns, 'link', 'set', 'dev', `${port}a`, 'master', name, 'up']);
    await run('ip', [...ns, 'link', 'set', 'dev', `${port}b`, 'up']);
    await run('ip', [...ns, 'addr', 'add', cidr, 'dev', name]);
    await run('ip', [...ns, 'link', 'set', 'dev', name, 'up']);
  };
  await bridge('docker0', '172.17.0.1/16', 'ctr');
  await bridge('lanbr', '172.20.0.1/16', 'vm');

  const holder = spawn('ip', ['netns', 'exec', node.namespace, 'python3', '-c', HOLD_TUN, 'tun0', 'corpvpn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('lab: the TUN holder did not start')), 10_000);
    holder.stdout?.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    holder.once('exit', (code) => reject(new Error(`lab: the TUN holder exited (${code})`)));
  });
  for (const [name, cidr] of [
    ['tun0', '10.8.0.2/24'],
    ['corpvpn', '10.9.0.2/24'],
  ] as const) {
    await run('ip', [...ns, 'addr', 'add', cidr, 'dev', name]);
    await run('ip', [...ns, 'link', 'set', 'dev', name, 'up']);
  }
  await run('ip', [...ns, 'route', 'add', 'default', 'dev', 'corpvpn']);
  return holder;
}
