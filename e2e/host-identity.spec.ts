import { expect } from '@playwright/test';
import { openLobby, platformCalls, roomStats, test } from './support';

/**
 * The desktop app's "host's identity changed" warning (issue 9, item 10), in Chromium with the
 * recording test platform standing in for the main process's certificate check.
 */
const change = { host: '192.168.1.20:4443', pinnedFingerprint: 'ab'.repeat(32), presentedFingerprint: 'cd'.repeat(32) };

test('a changed host certificate stops the Join until the user explicitly trusts the new one', async ({ browser, request }) => {
  const room = `identity-${Date.now()}`;
  const page = await openLobby(browser, 'Ines', { platform: { hostIdentityChange: change }, query: `?room=${room}&name=Ines` });
  const join = page.getByRole('button', { name: 'Join', exact: true });

  await join.click();
  const dialog = page.getByRole('dialog', { name: "The meeting host's identity has changed" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('pinned-fingerprint')).toHaveText(`AB${':AB'.repeat(31)}`);
  await expect(dialog.getByTestId('presented-fingerprint')).toHaveText(`CD${':CD'.repeat(31)}`);

  // Declining leaves the user in the lobby, not in the meeting.
  await dialog.getByRole('button', { name: 'Don’t join' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(join).toBeVisible();
  expect((await roomStats(request, room).catch(() => ({ participants: [] }))).participants).toEqual([]);

  await join.click();
  await dialog.getByRole('button', { name: 'Trust the new certificate and join' }).click();
  await expect(page.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
  const calls = await platformCalls(page);
  expect(calls.filter((call) => call.method === 'replaceHostPin').map((call) => call.args[1])).toEqual([change.presentedFingerprint]);
  expect(calls.filter((call) => call.method === 'verifyHostForJoin')).toHaveLength(2);
});
