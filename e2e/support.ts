import { test as base, expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { Conference } from '../renderer/src/conference';
import { createTestPlatform, type RecordedCall, type TestPlatform, type TestPlatformConfig } from '../renderer/src/platform/testPlatform';

/** Every participant's browser context opened by the helpers below; closed after each test. */
const openContexts = new Set<BrowserContext>();

/**
 * The tests' `test`: closes the participants a test opened when it ends, so a later test does
 * not share two cores with pages still encoding video from an earlier one.
 */
export const test = base.extend<{ closeParticipants: void }>({
  closeParticipants: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      await use();
      for (const context of openContexts) await context.close().catch(() => undefined);
      openContexts.clear();
    },
    { auto: true },
  ],
});

/** The page's test hook (set by the meeting view). */
export type HookedWindow = Window & { __roundtable?: { conference: Conference } };

/** Opens a fresh browser context (its own fake camera and mic) and joins `room` as `name`. */
export async function joinAs(browser: Browser, room: string, name: string): Promise<Page> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  openContexts.add(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name}] page error:`, error));
  await page.goto(`/?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}`);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByTestId('local-tile')).toBeVisible();
  return page;
}

export function tileOf(page: Page, name: string) {
  return page.locator(`[data-testid="participant-tile"][data-participant-name="${name}"]`);
}

/** Waits until `name`'s tile on `page` plays real decoded video (dimensions known, time advancing). */
export async function expectLiveVideo(page: Page, name: string): Promise<void> {
  const video = tileOf(page, name).locator('video');
  await expect(video).toHaveCount(1);
  await expect
    .poll(async () => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { message: `${name}'s video has dimensions` })
    .toBeGreaterThan(0);
  const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect.poll(async () => video.evaluate((v: HTMLVideoElement) => v.currentTime), { message: `${name}'s video is playing` }).toBeGreaterThan(t0);
}

/** Inbound RTP totals from the page's receive transport, as WebRTC reports them. */
export async function inboundStats(page: Page): Promise<{ framesDecoded: number; audioPackets: number; videoFrameWidth: number }> {
  return page.evaluate(async () => {
    const recv = (window as HookedWindow).__roundtable?.conference.transports.recv;
    if (!recv) return { framesDecoded: 0, audioPackets: 0, videoFrameWidth: 0 };
    const report = await recv.getStats();
    let framesDecoded = 0;
    let audioPackets = 0;
    let videoFrameWidth = 0;
    report.forEach((s: Record<string, unknown>) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') {
        framesDecoded += Number(s.framesDecoded ?? 0);
        videoFrameWidth = Math.max(videoFrameWidth, Number(s.frameWidth ?? 0));
      }
      if (s.kind === 'audio') audioPackets += Number(s.packetsReceived ?? 0);
    });
    return { framesDecoded, audioPackets, videoFrameWidth };
  });
}

// ---------------------------------------------------------------------------------------------
// Meeting UI helpers (issue 4)
// ---------------------------------------------------------------------------------------------

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

export interface JoinOptions {
  viewport?: { width: number; height: number };
  /** Installs the recording test platform (desktop-only features) before the page loads. */
  platform?: TestPlatformConfig;
  /** Open the host link (`#owner=<key>`): join as the meeting's host. */
  ownerLink?: boolean;
}

/** A fresh context (own fake devices) with an optional test platform; the page is at the lobby. */
export async function openLobby(browser: Browser, name: string, options: JoinOptions & { query?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: options.viewport ?? { width: 1280, height: 720 } });
  openContexts.add(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name}] page error:`, error));
  if (options.platform) await installTestPlatform(page, options.platform);
  await page.goto(`/${options.query ?? ''}`);
  return page;
}

/** joinAs with a chosen viewport (tile sizes depend on it). */
export async function joinWith(browser: Browser, room: string, name: string, options: JoinOptions = {}): Promise<Page> {
  const owner = options.ownerLink ? `#owner=${ADMIN_TOKEN}` : '';
  const page = await openLobby(browser, name, { ...options, query: `?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}${owner}` });
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  try {
    await expect(page.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
  } catch (error) {
    // Say why: the alert the user would read (e.g. "Cannot reach the meeting host").
    const alerts = await page.getByRole('alert').allTextContents();
    throw new Error(`${name} did not get into ${room}; alerts: ${JSON.stringify(alerts)}`, { cause: error });
  }
  await expect(page.getByTestId('local-tile')).toBeVisible();
  return page;
}

/** Installs renderer/src/platform/testPlatform.ts as the page's platform (window.__roundtablePlatform). */
export async function installTestPlatform(page: Page, config: TestPlatformConfig): Promise<void> {
  await page.addInitScript(`window.__roundtablePlatform = (${createTestPlatform.toString()})(${JSON.stringify(config)});`);
}

/** What the test platform recorded so far. */
export async function platformCalls(page: Page): Promise<RecordedCall[]> {
  return page.evaluate(() => (window as unknown as { __roundtablePlatform: TestPlatform }).__roundtablePlatform.calls);
}

/** The host's view of a room (admin API): participants with their consumers' paused state and layers. */
export interface RoomStats {
  participants: {
    id: string;
    displayName: string;
    consumers: { id: string; kind: string; source: string; fromPeerId: string; paused: boolean; producerPaused: boolean; currentLayers: { spatialLayer: number } | null; preferredLayers: { spatialLayer: number } | null }[];
  }[];
}

export async function roomStats(request: APIRequestContext, roomId: string): Promise<RoomStats> {
  const response = await request.get(`/api/rooms/${encodeURIComponent(roomId)}/stats`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.ok(), `room stats for ${roomId}: HTTP ${response.status()}`).toBe(true);
  return (await response.json()) as RoomStats;
}

/** The camera consumers `viewer` receives, by the sender's display name, as the host sees them. */
export async function cameraConsumersOf(request: APIRequestContext, roomId: string, viewer: string) {
  const stats = await roomStats(request, roomId);
  const names = new Map(stats.participants.map((p) => [p.id, p.displayName]));
  const me = stats.participants.find((p) => p.displayName === viewer);
  return new Map((me?.consumers ?? []).filter((c) => c.source === 'camera').map((c) => [names.get(c.fromPeerId) ?? c.fromPeerId, c]));
}

/** Width of the video `viewer` decodes from `sender`'s camera right now (0 before the first frame). */
export async function receivedWidth(page: Page, sender: string): Promise<number> {
  return tileOf(page, sender)
    .locator('video')
    .evaluate((v: HTMLVideoElement) => v.videoWidth)
    .catch(() => 0);
}
