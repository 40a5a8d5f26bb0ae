import { expect, type Page } from '@playwright/test';
import { expectLiveVideo, joinAs, tileOf, test } from './support';

// Three pages sending camera and mic through twelve steps: 1.7–2.0 min in CI runs, 2.6 min (over
// the old 150 s) in one where every e2e test ran 10–60 % slower than the day before.
test.describe.configure({ timeout: 240_000 });

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

test('three people: all see each other; mute, camera off, screen share, chat, hand, reaction and leave show on the others', async ({ browser }) => {
  const room = `trio-${Date.now()}`;
  const alice = await joinAs(browser, room, 'Alice');
  const bob = await joinAs(browser, room, 'Bob');
  const carol = await joinAs(browser, room, 'Carol');
  const everyone = { Alice: alice, Bob: bob, Carol: carol };
  const others = (name: keyof typeof everyone) => Object.entries<Page>(everyone).filter(([n]) => n !== name);

  await test.step('all see each other, with live video', async () => {
    for (const [name, page] of Object.entries(everyone)) {
      for (const [other] of others(name as keyof typeof everyone)) await expect(tileOf(page, other), `${name} sees ${other}`).toBeVisible();
      await expect(page.getByTestId('participant-tile')).toHaveCount(2);
    }
    await expectLiveVideo(alice, 'Carol');
    await expectLiveVideo(carol, 'Alice');
    await expectLiveVideo(bob, 'Alice');
  });

  await test.step('muting shows the muted icon on the others', async () => {
    for (const [, page] of others('Alice')) await expect(tileOf(page, 'Alice')).toHaveAttribute('data-muted', 'false');
    await button(alice, 'Mute').click();
    await expect(button(alice, 'Unmute')).toBeVisible();
    for (const [name, page] of others('Alice')) {
      await expect(tileOf(page, 'Alice'), `${name} sees Alice muted`).toHaveAttribute('data-muted', 'true');
      await expect(tileOf(page, 'Alice').getByRole('img', { name: 'Microphone off' })).toBeVisible();
    }
    // Keyboard shortcut: Alt+A unmutes again.
    await alice.locator('body').press('Alt+a');
    await expect(button(alice, 'Mute')).toBeVisible();
    for (const [, page] of others('Alice')) await expect(tileOf(page, 'Alice')).toHaveAttribute('data-muted', 'false');
  });

  await test.step('camera off shows the avatar; on again shows live video', async () => {
    await button(bob, 'Stop video').click();
    await expect(button(bob, 'Start video')).toBeVisible();
    for (const [name, page] of others('Bob')) {
      await expect(tileOf(page, 'Bob'), `${name} sees Bob's camera off`).toHaveAttribute('data-camera-off', 'true');
      await expect(tileOf(page, 'Bob').getByTestId('avatar')).toBeVisible();
      await expect(tileOf(page, 'Bob').locator('video')).toHaveCount(0);
    }
    await button(bob, 'Start video').click();
    await expect(button(bob, 'Stop video')).toBeVisible();
    await expectLiveVideo(alice, 'Bob');
    await expect(tileOf(carol, 'Bob').getByTestId('avatar')).toHaveCount(0);
  });

  await test.step('a screen share appears as the presentation on the others and disappears when stopped', async () => {
    for (const [, page] of Object.entries(everyone)) await expect(page.getByTestId('screen-share')).toHaveCount(0);
    await button(carol, 'Share screen').click();
    await expect(button(carol, 'Stop sharing')).toBeVisible();
    for (const [name, page] of others('Carol')) {
      const presentation = page.getByTestId('screen-share');
      await expect(presentation, `${name} sees Carol's screen`).toBeVisible();
      await expect(presentation).toHaveAttribute('data-presenter', 'Carol');
      await expect
        .poll(() => presentation.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth), { message: `${name} decodes the screen` })
        .toBeGreaterThan(0);
      // The tiles are still there, beside the presentation.
      await expect(tileOf(page, 'Carol')).toBeVisible();
    }
    await button(carol, 'Stop sharing').click();
    await expect(button(carol, 'Share screen')).toBeVisible();
    for (const [name, page] of others('Carol')) await expect(page.getByTestId('screen-share'), `${name}'s presentation ends`).toHaveCount(0);
  });

  await test.step('a chat message appears on the others with an unread badge', async () => {
    await button(alice, 'Chat').click();
    const input = alice.getByRole('textbox', { name: 'Message everyone' });
    await input.fill('Hello from Alice');
    await input.press('Enter');
    await expect(alice.getByTestId('chat-messages').getByRole('listitem').filter({ hasText: 'Hello from Alice' })).toBeVisible();
    await expect(input).toHaveValue('');
    for (const [name, page] of others('Alice')) {
      await expect(page.getByTestId('chat-unread'), `${name} has an unread badge`).toHaveText('1');
      await expect(button(page, 'Chat')).toHaveAccessibleDescription('1 unread message');
    }
    await button(bob, 'Chat').click();
    const message = bob.getByTestId('chat-messages').getByRole('listitem').filter({ hasText: 'Hello from Alice' });
    await expect(message).toBeVisible();
    await expect(message).toContainText('Alice');
    await expect(bob.getByTestId('chat-unread')).toHaveCount(0);
    await expect(carol.getByTestId('chat-unread')).toHaveText('1');
  });

  await test.step('a raised hand shows on the others', async () => {
    await button(bob, 'Raise hand').click();
    await expect(button(bob, 'Lower hand')).toBeVisible();
    for (const [name, page] of others('Bob')) {
      await expect(tileOf(page, 'Bob'), `${name} sees Bob's hand`).toHaveAttribute('data-hand-raised', 'true');
      await expect(tileOf(page, 'Bob').getByRole('img', { name: 'Hand raised' })).toBeVisible();
    }
    await button(bob, 'Lower hand').click();
    for (const [, page] of others('Bob')) await expect(tileOf(page, 'Bob')).toHaveAttribute('data-hand-raised', 'false');
  });

  await test.step('a reaction floats on the sender tile for everyone', async () => {
    await button(carol, 'Reactions').click();
    await carol.getByRole('button', { name: 'React with thumbs up' }).click();
    for (const [name, page] of others('Carol')) {
      await expect(tileOf(page, 'Carol').getByRole('img', { name: 'Reaction 👍' }), `${name} sees Carol's reaction`).toBeVisible();
    }
    await expect(carol.getByTestId('local-tile').getByRole('img', { name: 'Reaction 👍' })).toBeVisible();
  });

  await test.step('leaving removes the tile', async () => {
    await button(carol, 'Leave').click();
    await expect(button(carol, 'Join')).toBeVisible();
    for (const [name, page] of others('Carol')) {
      await expect(tileOf(page, 'Carol'), `${name} no longer sees Carol`).toHaveCount(0);
      await expect(page.getByTestId('participant-tile')).toHaveCount(1);
    }
  });
});
