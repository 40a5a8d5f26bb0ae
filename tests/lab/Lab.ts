import { run, runSync } from './shell';

/** Every namespace the lab creates starts with this, followed by the creating process's pid. */
export const LAB_PREFIX = 'rtlab-';
export const LAB_SUBNET = '10.77.0';
export const HOST_ADDRESS = `${LAB_SUBNET}.1`;

/** One machine on the lab LAN: a namespace with `eth0`, whose other end is a port of the bridge. */
export interface LabNode {
  readonly name: string;
  readonly namespace: string;
  /** Inside `namespace`. */
  readonly iface: 'eth0';
  /** The bridge port (inside the LAN namespace) this node's cable plugs into. */
  readonly bridgePort: string;
  address: string;
}

let labsCreated = 0;
const liveLabs = new Set<Lab>();

/**
 * An office LAN in a box: a bridge in a namespace of its own, a host and N participants, each in
 * its own namespace, cabled to the bridge with veth pairs, addresses from 10.77.0.0/24. No default
 * route, no NAT, no interface in the root namespace: no packet can leave the lab.
 */
export class Lab {
  readonly id: string;
  readonly lan: string;
  readonly host: LabNode;
  readonly participants: LabNode[];
  /** Namespaces a fault added (a delay line's relay): removed with the lab. */
  readonly #extra = new Set<string>();
  #destroyed = false;

  private constructor(participantCount: number) {
    this.id = `${LAB_PREFIX}${process.pid}x${++labsCreated}`;
    this.lan = `${this.id}-lan`;
    this.host = { name: 'host', namespace: `${this.id}-h`, iface: 'eth0', bridgePort: 'host', address: HOST_ADDRESS };
    this.participants = Array.from({ length: participantCount }, (_, i) => ({
      name: `p${i + 1}`,
      namespace: `${this.id}-p${i + 1}`,
      iface: 'eth0' as const,
      bridgePort: `p${i + 1}`,
      address: `${LAB_SUBNET}.${11 + i}`,
    }));
  }

  get nodes(): LabNode[] {
    return [this.host, ...this.participants];
  }

  /** Builds the LAN. Cleans stale labs of dead processes first; on any failure removes what it made. */
  static async create(options: { participants: number }): Promise<Lab> {
    removeStaleLabs();
    installExitCleanup();
    const lab = new Lab(options.participants);
    liveLabs.add(lab);
    try {
      await lab.#build();
      return lab;
    } catch (error) {
      lab.destroy();
      throw error;
    }
  }

  async #build(): Promise<void> {
    await run('ip', ['netns', 'add', this.lan]);
    await quietNamespace(this.lan);
    await run('ip', ['-n', this.lan, 'link', 'add', 'name', 'br0', 'type', 'bridge', 'stp_state', '0']);
    await run('ip', ['-n', this.lan, 'link', 'set', 'dev', 'br0', 'up']);
    for (const node of this.nodes) {
      await run('ip', ['netns', 'add', node.namespace]);
      await quietNamespace(node.namespace);
      await run('ip', ['-n', this.lan, 'link', 'add', 'name', node.bridgePort, 'type', 'veth', 'peer', 'name', node.iface, 'netns', node.namespace]);
      await run('ip', ['-n', this.lan, 'link', 'set', 'dev', node.bridgePort, 'master', 'br0', 'up']);
      await run('ip', ['-n', node.namespace, 'addr', 'add', `${node.address}/24`, 'dev', node.iface]);
      await run('ip', ['-n', node.namespace, 'link', 'set', 'dev', node.iface, 'up']);
    }
  }

  /** A namespace of this lab for a fault's own use (named after the lab, so stale-lab cleanup finds it too). */
  async addNamespace(suffix: string): Promise<string> {
    const namespace = `${this.id}-${suffix}`;
    this.#extra.add(namespace);
    await run('ip', ['netns', 'add', namespace]);
    await quietNamespace(namespace);
    return namespace;
  }

  removeNamespace(namespace: string): void {
    this.#extra.delete(namespace);
    deleteNamespace(namespace);
  }

  participant(name: string): LabNode {
    const node = this.participants.find((p) => p.name === name);
    if (!node) throw new Error(`lab: no participant ${name}`);
    return node;
  }

  /** Deletes every namespace of this lab (their veths go with them). Idempotent, synchronous. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    liveLabs.delete(this);
    for (const namespace of [...this.#extra, ...this.nodes.map((n) => n.namespace), this.lan]) deleteNamespace(namespace);
  }
}

/**
 * Loopback up; IPv6 off (the lab is IPv4-only: no router advertisements or link-local chatter);
 * a removed primary address promotes the secondary instead of taking it along (address changes).
 */
async function quietNamespace(namespace: string): Promise<void> {
  await run('ip', ['-n', namespace, 'link', 'set', 'dev', 'lo', 'up']);
  await run('ip', [
    'netns', 'exec', namespace, 'sysctl', '-q', '-w',
    'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv4.conf.all.promote_secondaries=1',
  ]);
}

/** The processes running inside `namespace` (other than this one). */
export function processesIn(namespace: string): number[] {
  return (runSync('ip', ['netns', 'pids', namespace]) ?? '').split('\n').map(Number).filter((pid) => pid > 0 && pid !== process.pid);
}

/** Kills what still runs inside (a host or browser of a killed run), then removes the namespace. */
function deleteNamespace(namespace: string): void {
  const pids = processesIn(namespace);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  runSync('ip', ['netns', 'del', namespace]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lab namespaces whose creating process is gone (a killed run): removed before a new lab starts. */
export function listLabNamespaces(): string[] {
  const listing = runSync('ip', ['netns', 'list']) ?? '';
  return listing
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(LAB_PREFIX));
}

export function removeStaleLabs(): string[] {
  const stale = listLabNamespaces().filter((name) => {
    const pid = Number(/^rtlab-(\d+)x/.exec(name)?.[1]);
    return !(pid > 0 && isAlive(pid));
  });
  for (const namespace of stale) deleteNamespace(namespace);
  return stale;
}

let exitCleanupInstalled = false;
/** Tears down live labs on exit, Ctrl-C and SIGTERM, so a failed or interrupted run leaves nothing. */
function installExitCleanup(): void {
  if (exitCleanupInstalled) return;
  exitCleanupInstalled = true;
  const destroyAll = () => {
    for (const lab of [...liveLabs]) lab.destroy();
  };
  process.on('exit', destroyAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      destroyAll();
      process.kill(process.pid, signal);
    });
  }
}
