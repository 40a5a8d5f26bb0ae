import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LabNode } from './Lab';
import { LAB_ADMIN_TOKEN } from './labHost';
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

/** Asks every camera for 320x180 at 15 fps, whatever the app requested. */
/** The camera every getUserMedia of the page gets (the app's own constraints otherwise). */
const cameraScript = (video: MediaTrackConstraints) => `(() => {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) =>
    original(constraints && constraints.video ? { ...constraints, video: ${JSON.stringify(video)} } : constraints);
})()`;
const CAMERA_SCRIPTS = {
  small: cameraScript({ width: 320, height: 180, frameRate: 15 }),
  /**
   * 720p, the app's three simulcast layers, at 10 frames a second instead of 30: a third of the
   * encoding and decoding. Five 720p browsers at 30 fps took 123 s to set up on this 2-core machine.
   */
  hd10: cameraScript({ width: 1280, height: 720, frameRate: 10 }),
};
export type LabCamera = keyof typeof CAMERA_SCRIPTS | 'hd';

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

  /**
   * A participant (own context: own fake camera and mic) who joins `room` at `baseUrl` as `name`.
   * `camera: 'small'` (320x180 at 15 fps) keeps several browsers affordable on two cores when the
   * behaviour under test does not depend on the resolution; 'hd' is the app's own 720p simulcast.
   */
  async join(baseUrl: string, room: string, name: string, options: { viewport?: { width: number; height: number }; camera?: LabCamera } = {}): Promise<LabParticipant> {
    const viewport = options.viewport ?? { width: 960, height: 540 };
    const context = await this.browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'], viewport });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[lab ${name}] page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.text().startsWith('[network')) console.error(`[lab ${name} ${new Date().toISOString()}] ${message.text()}`);
    });
    await page.addInitScript(PROBE_SCRIPT);
    if (options.camera && options.camera !== 'hd') await page.addInitScript(CAMERA_SCRIPTS[options.camera]);
    await page.goto(`${baseUrl}/?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}`);
    const joinClickedAt = Date.now();
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.locator('main.meeting[data-phase="joined"]').waitFor({ timeout: 30_000 });
    return new LabParticipant(name, this.node, page, room, joinClickedAt);
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
    readonly room: string,
    /** When the Join button was clicked (the lobby had loaded). */
    readonly joinClickedAt: number,
  ) {}

  /**
   * The layers the host forwards to this participant, per sender's camera, from the host's admin
   * stats (asked from inside the page: the host is only reachable inside the lab). A layer is
   * spatial * 3 + temporal (0 = 180p at the lowest frame rate … 8 = 720p at full rate).
   * `of`: another participant's consumers, asked from this page (one whose link is not capped).
   */
  async consumerLayers(of = this.name): Promise<Record<string, number | null>> {
    return (await this.downlink(of)).layers;
  }

  /**
   * `consumerLayers` plus the host's estimate of that participant's downlink (kbit/s, null before
   * feedback), what the host sends it (kbit/s), and what the others' microphones send (kbit/s; audio
   * is forwarded whatever the estimate: mediasoup shares the estimate among videos only).
   */
  downlink(of = this.name): Promise<{ layers: Record<string, number | null>; estimateKbps: number | null; probeKB: number; sentKbps: number; rtxKbps: number; othersAudioKbps: number }> {
    return this.page.evaluate(`(async () => {
      const response = await fetch('/api/rooms/' + encodeURIComponent(${JSON.stringify(this.room)}) + '/stats', { headers: { Authorization: 'Bearer ${LAB_ADMIN_TOKEN}' }, signal: AbortSignal.timeout(3000) });
      const stats = await response.json();
      const names = new Map(stats.participants.map((p) => [p.id, p.displayName]));
      const me = stats.participants.find((p) => p.displayName === ${JSON.stringify(of)});
      const layers = {};
      for (const c of me ? me.consumers : []) {
        if (c.source !== 'camera') continue;
        layers[names.get(c.fromPeerId)] = c.currentLayers ? c.currentLayers.spatialLayer * 3 + (c.currentLayers.temporalLayer ?? 2) : null;
      }
      const estimate = me ? me.availableOutgoingBitrate : null;
      let othersAudio = 0;
      for (const p of stats.participants) if (p !== me) for (const producer of p.producers) if (producer.kind === 'audio') othersAudio += producer.bitrate;
      return {
        layers,
        estimateKbps: typeof estimate === 'number' ? Math.round(estimate / 1000) : null,
        probeKB: me ? Math.round(me.probationBytesSent / 1000) : 0,
        sentKbps: me ? Math.round(me.bitrateOut / 1000) : 0,
        rtxKbps: me ? Math.round(me.rtxBitrateOut / 1000) : 0,
        othersAudioKbps: Math.round(othersAudio / 1000),
      };
    })()`);
  }

  probe(): Promise<ProbeState> {
    return this.page.evaluate('({ videos: window.__lab.videos, sawReconnecting: window.__lab.sawReconnecting, tilesGone: window.__lab.tilesGone, states: window.__lab.states, starvedTicks: window.__lab.starvedTicks })');
  }

  stats(): Promise<TransportStats> {
    return this.page.evaluate('window.__lab.stats()');
  }

  connectionState(): Promise<string> {
    return this.page.evaluate('window.__roundtable ? window.__roundtable.conference.state : "none"');
  }
}
