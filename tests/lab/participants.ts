import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LabNode } from './Lab';
import { PROBE_SCRIPT, type ProbeState, type TransportStats } from './probe';

/** Runs the real Chromium inside the namespace named by RTLAB_NETNS (Playwright's executablePath). */
export const CHROMIUM_WRAPPER = fileURLToPath(new URL('./chromium-in-netns.sh', import.meta.url));

const CHROMIUM_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-gpu',
  // The lab is a closed LAN: no mDNS names for host candidates, no attempts at public STUN.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/** One participant's browser (one Chromium) running in a lab node's namespace. */
export class LabBrowser {
  private constructor(
    readonly node: LabNode,
    readonly browser: Browser,
  ) {}

  static async launch(node: LabNode): Promise<LabBrowser> {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_WRAPPER,
      args: CHROMIUM_ARGS,
      env: { ...process.env, RTLAB_NETNS: node.namespace, RTLAB_CHROMIUM: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
      timeout: 60_000,
    });
    return new LabBrowser(node, browser);
  }

  /** A participant (own context: own fake camera and mic) who joins `room` at `baseUrl` as `name`. */
  async join(baseUrl: string, room: string, name: string, viewport = { width: 960, height: 540 }): Promise<LabParticipant> {
    const context = await this.browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'], viewport });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[lab ${name}] page error: ${error.message}`));
    await page.addInitScript(PROBE_SCRIPT);
    await page.goto(`${baseUrl}/?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}`);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.locator('main.meeting[data-phase="joined"]').waitFor({ timeout: 30_000 });
    return new LabParticipant(name, this.node, page);
  }

  close(): Promise<void> {
    return this.browser.close().catch(() => undefined);
  }
}

export class LabParticipant {
  constructor(
    readonly name: string,
    readonly node: LabNode,
    readonly page: Page,
  ) {}

  probe(): Promise<ProbeState> {
    return this.page.evaluate('({ videos: window.__lab.videos, sawReconnecting: window.__lab.sawReconnecting, tilesGone: window.__lab.tilesGone })');
  }

  stats(): Promise<TransportStats> {
    return this.page.evaluate('window.__lab.stats()');
  }

  connectionState(): Promise<string> {
    return this.page.evaluate('window.__roundtable ? window.__roundtable.conference.state : "none"');
  }
}
