import { expect, type Page } from '@playwright/test';
import type { ScreenSource } from '../renderer/src/platform';
import type { TestPlatform } from '../renderer/src/platform/testPlatform';
import { ADMIN_TOKEN, openLobby, platformCalls, roomStats, type HookedWindow, test } from './support';
import { E2E_HTTP_PORT, HOST_URL } from './env';

/**
 * The desktop app's extras (hosting, LAN list, screen picker, opened links) in Chromium, through
 * the Platform interface with the recording test implementation (renderer/src/platform/testPlatform.ts).
 */
test.describe.configure({ timeout: 90_000 });

const SOURCES: ScreenSource[] = [
  { id: 'screen:0:0', name: 'Entire screen', kind: 'screen', thumbnailDataUrl: '' },
  { id: 'window:42:0', name: 'Quarterly plan - Editor', kind: 'window', thumbnailDataUrl: '' },
];

const calls = async (page: Page, method: string) => (await platformCalls(page)).filter((c) => c.method === method).map((c) => c.args);

test('"Host a meeting" starts hosting through the platform, joins it, and shows the invite with QR and ports', async ({ browser, request }) => {
  const room = `hosted-${Date.now()}`;
  const page = await openLobby(browser, 'Hana', { platform: { discovery: false, ownerKey: ADMIN_TOKEN, ports: { http: E2E_HTTP_PORT, rtc: [47800, 47801] } } });
  await page.getByLabel('Your name').fill('Hana');
  await page.getByLabel('Room code or meeting link').fill(room);
  await page.getByRole('button', { name: 'Host a meeting' }).click();

  await expect(page.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
  expect(await calls(page, 'hosting.start')).toEqual([[room]]);
  // The invite opens by itself: link, QR code, and the two ports to allow.
  const invite = page.getByRole('dialog', { name: 'Invite people' });
  await expect(invite).toBeVisible();
  await expect(invite.getByLabel('Invite link')).toHaveValue(`${HOST_URL}/?room=${room}`);
  await expect(invite.getByRole('img', { name: 'QR code of the invite link' })).toBeVisible();
  await expect(invite.getByTestId('hosting-ports')).toContainText(`TCP ${E2E_HTTP_PORT}`);
  await expect(invite.getByTestId('hosting-ports')).toContainText('47800, 47801');
  await invite.getByRole('button', { name: 'Close' }).click();
  await expect(invite).toHaveCount(0);

  // Joined with the hosting answer: the host sees Hana in that room, as its host.
  const stats = await roomStats(request, room);
  expect(stats.participants.map((p) => p.displayName)).toEqual(['Hana']);
  expect(await page.evaluate(() => (window as HookedWindow).__roundtable!.conference.localParticipant.isHost)).toBe(true);

  // Leaving keeps the meeting hosted; the lobby offers to return or end it.
  await page.getByRole('button', { name: 'Leave', exact: true }).click();
  await expect(page.getByRole('heading', { name: `You are hosting “${room}”` })).toBeVisible();
  await page.getByRole('button', { name: 'End meeting' }).click();
  await expect(page.getByRole('button', { name: 'Host a meeting' })).toBeVisible();
  expect(await calls(page, 'hosting.stop')).toHaveLength(1);
});

test('meetings found on the LAN are listed; joining one uses its link', async ({ browser, request }) => {
  const room = `lan-${Date.now()}`;
  // A room code alone would go to an unreachable host: only the discovered link leads to the meeting.
  const page = await openLobby(browser, 'Lars', { platform: { hostUrl: 'http://127.0.0.1:9', discovery: [] } });
  const lan = page.getByRole('region', { name: 'Meetings on your network' });
  await expect(lan).toContainText('No meetings found');
  expect(await calls(page, 'discovery.subscribe')).toHaveLength(1);

  await page.evaluate(
    ({ room, hostUrl }) =>
      (window as unknown as { __roundtablePlatform: TestPlatform }).__roundtablePlatform.emitDiscovered([
        { roomId: room, name: 'Design review', hostName: 'alice-laptop', url: `${hostUrl}/?room=${room}` },
        { roomId: 'other', name: 'Standup', hostName: 'bob-desktop', url: 'http://127.0.0.1:9/?room=other' },
      ]),
    { room, hostUrl: HOST_URL },
  );
  const entry = lan.getByRole('button', { name: 'Design review hosted by alice-laptop' });
  await expect(entry).toBeVisible();
  await expect(lan.getByRole('listitem')).toHaveCount(2);

  // A name is needed first; the lobby says so instead of failing silently.
  await entry.click();
  await expect(page.getByRole('alert')).toHaveText('Enter your name first.');
  await page.getByLabel('Your name').fill('Lars');
  await entry.click();
  await expect(page.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(room);
  const stats = await roomStats(request, room);
  expect(stats.participants.map((p) => p.displayName)).toEqual(['Lars']);
  expect(await calls(page, 'savePreferences')).toContainEqual([{ displayName: 'Lars' }]);
});

test('the screen picker shows the sources and answers with the picked one (or none on cancel)', async ({ browser }) => {
  const room = `picker-${Date.now()}`;
  const page = await openLobby(browser, 'Pia', { platform: { discovery: false, screenSources: SOURCES }, query: `?room=${room}&name=Pia` });
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');

  await page.getByRole('button', { name: 'Share screen' }).click();
  const picker = page.getByRole('dialog', { name: 'Choose what to share' });
  await expect(picker).toBeVisible();
  await expect(picker.getByRole('radio')).toHaveCount(2);
  await expect(picker.getByRole('group', { name: 'Entire screen' }).getByRole('radio', { name: 'Entire screen' })).toBeChecked();
  await picker.getByRole('radio', { name: 'Quarterly plan - Editor' }).check();
  await picker.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(picker).toHaveCount(0);
  expect(await calls(page, 'screenPicker.choose')).toEqual([['window:42:0', false]]);
  await expect(page.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  await page.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(page.getByRole('button', { name: 'Share screen' })).toBeVisible();

  // Cancel (Escape) answers "nothing", and the user is told sharing did not start.
  await page.getByRole('button', { name: 'Share screen' }).click();
  await expect(picker).toBeVisible();
  await picker.getByRole('checkbox', { name: 'Share system audio' }).check();
  await page.keyboard.press('Escape');
  await expect(picker).toHaveCount(0);
  expect((await calls(page, 'screenPicker.choose')).at(-1)).toEqual([null, false]);
  await expect(page.getByRole('status').filter({ hasText: 'Screen sharing was cancelled' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Share screen' })).toBeVisible();

  // With system audio ticked, the choice carries it.
  await page.getByRole('button', { name: 'Share screen' }).click();
  await picker.getByRole('checkbox', { name: 'Share system audio' }).check();
  await picker.getByRole('button', { name: 'Share', exact: true }).click();
  expect((await calls(page, 'screenPicker.choose')).at(-1)).toEqual(['screen:0:0', true]);
  await expect(page.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
});

test('a meeting link opened from outside (deep link) fills the lobby', async ({ browser }) => {
  const page = await openLobby(browser, 'Otto', { platform: { discovery: false } });
  await expect(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
  expect(await calls(page, 'onOpenLink')).toHaveLength(1);
  await page.evaluate(
    (link) => (window as unknown as { __roundtablePlatform: TestPlatform }).__roundtablePlatform.emitOpenLink(link),
    `roundtable://127.0.0.1:${E2E_HTTP_PORT}/standup`,
  );
  await expect(page.getByLabel('Room code or meeting link')).toHaveValue(`roundtable://127.0.0.1:${E2E_HTTP_PORT}/standup`);
});
