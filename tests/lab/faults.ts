import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Lab, LabNode } from './Lab';
import { inNamespace, run } from './shell';

const DELAY_LINE = fileURLToPath(new URL('./delay-line.py', import.meta.url));

/** Undoes a fault; safe to call twice. */
export type Restore = () => Promise<void>;
/** `down`: traffic towards the node (its downlink); `up`: traffic it sends. */
export type Direction = 'down' | 'up';

function once(restore: () => Promise<void>): Restore {
  let done: Promise<void> | undefined;
  return () => (done ??= restore());
}

/** Pulls the node's cable (its eth0 goes down, as when Wi-Fi drops). Addresses stay configured. */
export async function linkDown(node: LabNode): Promise<Restore> {
  await run('ip', ['-n', node.namespace, 'link', 'set', 'dev', node.iface, 'down']);
  return once(() => run('ip', ['-n', node.namespace, 'link', 'set', 'dev', node.iface, 'up']).then(() => undefined));
}

/** The laptop moves to another network: the new address is added, then the old one removed. */
export async function changeAddress(node: LabNode, newAddress: string): Promise<void> {
  const old = node.address;
  await run('ip', ['-n', node.namespace, 'addr', 'add', `${newAddress}/24`, 'dev', node.iface]);
  await run('ip', ['-n', node.namespace, 'addr', 'del', `${old}/24`, 'dev', node.iface]);
  node.address = newAddress;
}

/** Each fault owns one nftables table in the node's namespace, so faults stack and undo separately. */
async function nftTable(node: LabNode, table: string, chains: string): Promise<Restore> {
  await inNamespace(node.namespace, 'nft', ['-f', '-'], { input: `table inet ${table} {\n${chains}\n}\n` });
  return once(() => inNamespace(node.namespace, 'nft', ['delete', 'table', 'inet', table]).then(() => undefined));
}

/** A firewall rule appears on the node: every UDP packet to and from `peer` (the host) is dropped. */
export function blockUdp(node: LabNode, peer: LabNode): Promise<Restore> {
  return nftTable(
    node,
    'rtlab_block_udp',
    `chain out { type filter hook output priority 0; ip daddr ${peer.address} meta l4proto udp drop; }
     chain in { type filter hook input priority 0; ip saddr ${peer.address} meta l4proto udp drop; }`,
  );
}

/** Drops `percent` % of the packets between the node and `peer`, at random, in one direction. */
export function randomLoss(node: LabNode, peer: LabNode, percent: number, direction: Direction): Promise<Restore> {
  if (!(percent > 0 && percent < 100)) throw new RangeError(`loss must be within (0, 100) %, got ${percent}`);
  const rule =
    direction === 'down'
      ? `chain in { type filter hook input priority 0; ip saddr ${peer.address} numgen random mod 100 < ${Math.round(percent)} drop; }`
      : `chain out { type filter hook output priority 0; ip daddr ${peer.address} numgen random mod 100 < ${Math.round(percent)} drop; }`;
  return nftTable(node, `rtlab_loss_${direction}`, rule);
}

/**
 * Caps the node's link at `kbit` kbit/s in one direction with a token bucket (tc tbf): the downlink
 * on the bridge's port towards the node, the uplink on the node's own interface.
 */
export async function bandwidthCap(lab: Lab, node: LabNode, kbit: number, direction: Direction): Promise<Restore> {
  const [namespace, device] = direction === 'down' ? [lab.lan, node.bridgePort] : [node.namespace, node.iface];
  // A burst of ~40 ms at the cap (at least one full-size packet), and a queue of at most 200 ms.
  const burstBytes = Math.max(3000, Math.round((kbit * 1000 * 0.04) / 8));
  await run('tc', ['-n', namespace, 'qdisc', 'replace', 'dev', device, 'root', 'tbf', 'rate', `${kbit}kbit`, 'burst', String(burstBytes), 'latency', '200ms']);
  return once(() => run('tc', ['-n', namespace, 'qdisc', 'del', 'dev', device, 'root']).then(() => undefined));
}

/**
 * Latency and jitter on the node's link (no netem in this kernel): its cable is unplugged from the
 * bridge and plugged into a relay namespace, where a user-space delay line (delay-line.py) holds
 * every frame `delayMs` ± `jitterMs` in each direction (so the round trip through it is twice
 * that), without reordering, before passing it on to a new cable into the bridge.
 */
export async function delayLine(lab: Lab, node: LabNode, delayMs: number, jitterMs: number): Promise<Restore> {
  if (!(delayMs >= 0 && jitterMs >= 0 && jitterMs <= delayMs)) throw new RangeError(`delay ${delayMs} ms ± ${jitterMs} ms is not a delay`);
  const relay = await lab.addNamespace(`d${node.bridgePort}`);
  const inLan = (...args: string[]) => run('ip', ['-n', lab.lan, ...args]);
  const inRelay = (...args: string[]) => run('ip', ['-n', relay, ...args]);
  const [toBridge, bridgeSide] = [`${node.bridgePort}r`, `${node.bridgePort}q`];
  await inLan('link', 'set', 'dev', node.bridgePort, 'nomaster');
  await inLan('link', 'set', 'dev', node.bridgePort, 'netns', relay);
  await inRelay('link', 'add', 'name', toBridge, 'type', 'veth', 'peer', 'name', bridgeSide, 'netns', lab.lan);
  await inLan('link', 'set', 'dev', bridgeSide, 'master', 'br0', 'up');
  await inRelay('link', 'set', 'dev', node.bridgePort, 'up');
  await inRelay('link', 'set', 'dev', toBridge, 'up');
  const line = spawn('ip', ['netns', 'exec', relay, 'python3', DELAY_LINE, node.bridgePort, toBridge, String(delayMs), String(jitterMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  line.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lab: the delay line did not start: ${stderr}`)), 10_000);
    line.stdout?.once('data', () => (clearTimeout(timer), resolve()));
    line.once('exit', (code) => (clearTimeout(timer), reject(new Error(`lab: the delay line exited (${code}): ${stderr}`))));
  });
  return once(async () => {
    line.kill('SIGTERM');
    // The node's cable goes back into the bridge; the relay namespace (and its cable) goes away.
    await inRelay('link', 'set', 'dev', node.bridgePort, 'netns', lab.lan);
    await inLan('link', 'set', 'dev', node.bridgePort, 'master', 'br0', 'up');
    lab.removeNamespace(relay);
  });
}
