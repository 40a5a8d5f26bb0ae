import { expect, type Page } from '@playwright/test';
import { joinWith, openLobby, tileOf, test } from './support';
import { HOST_URL } from './env';

test.describe.configure({ timeout: 120_000 });

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

test('host controls and what the others read: passcode, mute, lock, remove', async ({ browser }) => {
  const room = `hosted-controls-${Date.now()}`;
  // Alice opens the host link the CLI prints (owner key in the fragment): she is the meeting's host.
  const alice = await joinWith(browser, room, 'Alice', { ownerLink: true });
  expect(new URL(alice.url()).hash).toBe('');
  await button(alice, 'Participants').click();
  const panel = alice.getByRole('region', { name: /Participants/ });
  await expect(panel.getByRole('region', { name: 'Host controls' })).toBeVisible();

  await test.step('the host sets a passcode; a guest without it is asked, a wrong one is refused', async () => {
    await panel.getByLabel('Meeting passcode').fill('sesame');
    await panel.getByRole('button', { name: 'Set passcode' }).click();
    await expect(alice.getByRole('status').filter({ hasText: 'Passcode set' })).toBeVisible();

    const bob = await openLobby(browser, 'Bob', { query: `?room=${room}&name=Bob` });
    await button(bob, 'Join').click();
    const prompt = bob.getByRole('dialog', { name: 'This meeting needs a passcode' });
    await expect(prompt).toBeVisible();
    await prompt.getByLabel('Passcode').fill('open-sesame');
    await prompt.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(prompt.getByRole('alert')).toContainText('Wrong passcode');
    await prompt.getByLabel('Passcode').fill('sesame');
    await prompt.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(bob.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
    await expect(tileOf(alice, 'Bob')).toBeVisible();

    await test.step('the host mutes Bob: Bob is told, and everyone sees him muted', async () => {
      await expect(tileOf(alice, 'Bob')).toHaveAttribute('data-muted', 'false');
      await panel.getByRole('button', { name: 'Mute Bob' }).click();
      await expect(bob.getByRole('alert').filter({ hasText: 'Alice muted your microphone' })).toBeVisible();
      await expect(button(bob, 'Unmute')).toBeVisible();
      await expect(tileOf(alice, 'Bob')).toHaveAttribute('data-muted', 'true');
      // Bob can unmute himself.
      await button(bob, 'Unmute').click();
      await expect(tileOf(alice, 'Bob')).toHaveAttribute('data-muted', 'false');
    });

    await test.step('a locked meeting turns newcomers away with a clear message', async () => {
      await panel.getByRole('button', { name: 'Lock meeting' }).click();
      await expect(panel.getByRole('button', { name: 'Unlock meeting' })).toBeVisible();
      await expect(bob.getByRole('status').filter({ hasText: 'The meeting is now locked' })).toBeVisible();
      const carol = await openLobby(browser, 'Carol', { query: `?room=${room}&name=Carol` });
      await carol.getByLabel('Passcode (if the host set one)').fill('sesame');
      await button(carol, 'Join').click();
      await expect(carol.getByRole('alert')).toHaveText('The host has locked this meeting. Ask them to unlock it.');
      await expect(button(carol, 'Join')).toBeVisible();
      await expect(tileOf(alice, 'Carol')).toHaveCount(0);
    });

    await test.step('the host removes Bob: he is back in the lobby and told why', async () => {
      await panel.getByRole('button', { name: 'Remove Bob' }).click();
      await expect(bob.getByRole('alert')).toHaveText('You were removed by Alice.');
      await expect(button(bob, 'Join')).toBeVisible();
      await expect(tileOf(alice, 'Bob')).toHaveCount(0);
    });
  });
});

test('an unreachable host is reported, not a silent failure', async ({ browser }) => {
  const page = await openLobby(browser, 'Uma', { query: '?name=Uma' });
  await page.getByLabel('Room code or meeting link').fill('http://127.0.0.1:9/?room=nowhere');
  await button(page, 'Join').click();
  await expect(page.getByRole('alert')).toHaveText('Cannot reach the meeting host. Check the link and that you are on the same network.', { timeout: 20_000 });
  await expect(button(page, 'Join')).toBeVisible();
});

for (const [errorName, message] of [
  ['NotAllowedError', 'Camera and microphone access was denied'],
  ['NotFoundError', 'No camera or microphone was found'],
] as const) {
  test(`camera and microphone failing with ${errorName}: the lobby and the meeting say so`, async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript((name) => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('test', name));
    }, errorName);
    const room = `no-media-${Date.now()}`;
    await page.goto(`/?room=${room}&name=Nia`);
    await expect(page.getByTestId('preview-error')).toContainText(message);
    await button(page, 'Join').click();
    await expect(page.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
    await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible();
    // Nothing is being sent; the controls say what pressing them would do.
    await expect(button(page, 'Unmute')).toBeVisible();
    await expect(button(page, 'Start video')).toBeVisible();
    await expect(page.getByTestId('local-tile')).toHaveAttribute('data-muted', 'true');
    // Trying again tells the user again (no silent failure).
    await page.getByRole('button', { name: 'Dismiss' }).first().click();
    await expect(page.getByRole('alert').filter({ hasText: message })).toHaveCount(0);
    await button(page, 'Start video').click();
    await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible();
    await context.close();
  });
}

test('invite: the link (room + host) is shown, copied, and drawn as a QR code', async ({ browser }) => {
  const room = `invite-${Date.now()}`;
  const page = await joinWith(browser, room, 'Ivy');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Invite' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite people' });
  await expect(dialog.getByLabel('Invite link')).toHaveValue(`${HOST_URL}/?room=${room}`);
  await expect(dialog.getByRole('img', { name: 'QR code of the invite link' })).toHaveAttribute('src', /^data:image\/png;base64,/);
  await dialog.getByRole('button', { name: 'Copy link' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Link copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${HOST_URL}/?room=${room}`);
  // Keyboard: Escape closes the dialog and focus returns to the Invite button.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Invite' })).toBeFocused();
});
