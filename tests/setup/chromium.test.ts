import { describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM, planChromium, type ChromiumProbe } from '../../e2e/chromium';

const probe = (overrides: Partial<ChromiumProbe>): ChromiumProbe => ({
  path: DEFAULT_CHROMIUM,
  fromEnv: false,
  exists: () => false,
  isRoot: false,
  hasApt: true,
  ...overrides,
});

describe('the browser tests preflight', () => {
  it('uses the binary that is there', () => {
    expect(planChromium(probe({ exists: (p) => p === DEFAULT_CHROMIUM }))).toEqual({ kind: 'ready', path: DEFAULT_CHROMIUM });
    expect(planChromium(probe({ path: '/opt/chrome', fromEnv: true, exists: (p) => p === '/opt/chrome' }))).toEqual({ kind: 'ready', path: '/opt/chrome' });
  });

  it('installs Debian chromium when it runs as root on a Debian-family system', () => {
    expect(planChromium(probe({ isRoot: true }))).toEqual({ kind: 'install', path: DEFAULT_CHROMIUM, packages: ['chromium'] });
  });

  it('says in one line what to install when it cannot install', () => {
    const plan = planChromium(probe({ isRoot: false }));
    expect(plan).toMatchObject({ kind: 'missing' });
    const message = (plan as { message: string }).message;
    expect(message).toContain('sudo apt-get install -y chromium');
    expect(message).not.toContain('\n');
    expect(planChromium(probe({ hasApt: false, isRoot: true }))).toMatchObject({ kind: 'missing', message: expect.stringContaining('CHROMIUM_PATH') });
  });

  it('never installs over a CHROMIUM_PATH that points nowhere: it says so', () => {
    const plan = planChromium(probe({ path: '/nope/chrome', fromEnv: true, isRoot: true }));
    expect(plan).toMatchObject({ kind: 'missing', message: expect.stringContaining('CHROMIUM_PATH=/nope/chrome does not exist') });
  });
});
