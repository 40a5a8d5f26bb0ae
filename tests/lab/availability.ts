import fs from 'node:fs';
import { run, runSync } from './shell';
import { LAB_PREFIX } from './Lab';

export type LabAvailability = { ok: true } | { ok: false; reason: string };

const TOOLS = [
  { file: 'ip', args: ['-V'], needs: 'iproute2 (`ip`)' },
  { file: 'tc', args: ['-V'], needs: 'iproute2 (`tc`)' },
  { file: 'nft', args: ['--version'], needs: 'nftables (`nft`)' },
];

let cached: Promise<LabAvailability> | undefined;

/**
 * Whether this machine can build the lab: Linux, root, iproute2 + nftables, a Chromium, and a
 * kernel that lets us make a namespace (some containers forbid it). The reason is shown when not.
 */
export function labAvailability(): Promise<LabAvailability> {
  cached ??= check();
  return cached;
}

async function check(): Promise<LabAvailability> {
  if (process.platform !== 'linux') return { ok: false, reason: `the lab needs Linux network namespaces (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'the lab needs root (it creates network namespaces); run as root, e.g. in CI' };
  for (const tool of TOOLS) {
    if (runSync(tool.file, tool.args) === undefined) return { ok: false, reason: `the lab needs ${tool.needs}: apt-get install iproute2 nftables` };
  }
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) return { ok: false, reason: `the lab needs Chromium at ${chromium}` };
  const probe = `${LAB_PREFIX}${process.pid}probe`;
  try {
    await run('ip', ['netns', 'add', probe]);
    await run('ip', ['netns', 'exec', probe, 'nft', 'list', 'ruleset']);
    await run('ip', ['-n', probe, 'link', 'add', 'name', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1']);
  } catch (error) {
    return { ok: false, reason: `this kernel or container does not allow the lab's namespaces: ${(error as Error).message}` };
  } finally {
    runSync('ip', ['netns', 'del', probe]);
  }
  return { ok: true };
}
