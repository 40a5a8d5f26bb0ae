/**
 * The browser tests' preflight: make sure a Chromium is there before anything starts, so a fresh
 * machine gets either an install (as root on Debian, said out loud, like the worker's build
 * packages in scripts/ensure-mediasoup-worker.mjs) or one line that says exactly what to install,
 * not a stack trace per browser test.
 *
 *   tsx e2e/chromium.ts    check (and install when possible); exits 1 with one line otherwise
 *
 * Env: CHROMIUM_PATH, a Chromium or Chrome binary to use instead of Debian's /usr/bin/chromium.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumProbe {
  /** The binary the tests will launch. */
  path: string;
  /** Whether that path came from CHROMIUM_PATH (then we never install over the user's choice). */
  fromEnv: boolean;
  exists(path: string): boolean;
  isRoot: boolean;
  /** apt-get is there (a Debian-family system). */
  hasApt: boolean;
}

export type ChromiumPlan =
  | { kind: 'ready'; path: string }
  | { kind: 'install'; path: string; packages: string[] }
  | { kind: 'missing'; message: string };

export function planChromium(probe: ChromiumProbe): ChromiumPlan {
  if (probe.exists(probe.path)) return { kind: 'ready', path: probe.path };
  if (probe.fromEnv) return { kind: 'missing', message: `CHROMIUM_PATH=${probe.path} does not exist: point it at a Chromium or Chrome binary, or unset it to use ${DEFAULT_CHROMIUM}.` };
  if (probe.hasApt && probe.isRoot) return { kind: 'install', path: probe.path, packages: ['chromium'] };
  if (probe.hasApt) return { kind: 'missing', message: `The browser tests need Chromium at ${DEFAULT_CHROMIUM}: run \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH to a Chromium or Chrome binary).` };
  return { kind: 'missing', message: `The browser tests need Chromium: install it and set CHROMIUM_PATH to its binary (looked for ${DEFAULT_CHROMIUM}).` };
}

function systemProbe(): ChromiumProbe {
  const fromEnv = Boolean(process.env.CHROMIUM_PATH);
  return {
    path: process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM,
    fromEnv,
    exists: (path) => fs.existsSync(path),
    isRoot: process.getuid?.() === 0,
    hasApt: spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0,
  };
}

function aptInstall(packages: string[]): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Wait for a concurrent apt/dpkg instead of failing on its lock.
  const install = () => spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: 'inherit', env }).status === 0;
  if (install()) return true;
  spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update', '-q'], { stdio: 'inherit', env });
  return install();
}

/** Returns the Chromium to launch, installing it first when it can; otherwise prints one line and exits 1. */
export function ensureChromium(probe: ChromiumProbe = systemProbe()): string {
  const plan = planChromium(probe);
  if (plan.kind === 'ready') return plan.path;
  if (plan.kind === 'install') {
    console.error(`e2e: Chromium is missing; installing it as root: apt-get install -y ${plan.packages.join(' ')}`);
    if (aptInstall(plan.packages) && probe.exists(plan.path)) return plan.path;
    console.error(`e2e: could not install Chromium: run \`apt-get install -y ${plan.packages.join(' ')}\` and try again.`);
    process.exit(1);
  }
  console.error(`e2e: ${plan.message}`);
  process.exit(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) ensureChromium();
