import { expect, type Page } from '@playwright/test';
import { expectLiveVideo, inboundStats, joinWith, tileOf, type HookedWindow, test } from './support';

test.describe.configure({ timeout: 120_000 });

/** Records, in the page, every time the user could read "Reconnecting…" (however briefly). */
async function watchReconnectingBanner(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __sawReconnecting: boolean };
    w.__sawReconnecting = false;
    new MutationObserver(() => {
      if (document.querySelector('[role="status"].reconnecting')?.textContent === 'Reconnecting…') w.__sawReconnecting = true;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function framesDecodedGrow(page: Page, who: string): Promise<void> {
  const before = (await inboundStats(page)).framesDecoded;
  await expect.poll(async () => (await inboundStats(page)).framesDecoded, { message: `${who} decodes new frames` }).toBeGreaterThan(before);
}

test('reconnection: a dropped signaling connection shows "Reconnecting…", then media flows both ways again without a click', async ({ browser }) => {
  const room = `reconnect-${Date.now()}`;
  const alice = await joinWith(browser, room, 'Alice', { viewport: { width: 800, height: 600 } });
  const bob = await joinWith(browser, room, 'Bob', { viewport: { width: 800, height: 600 } });
  await expectLiveVideo(alice, 'Bob');
  await expectLiveVideo(bob, 'Alice');
  const peerBefore = await bob.evaluate(() => (window as HookedWindow).__roundtable!.conference.peerId);

  await test.step('the socket drops while the network is down: the user sees "Reconnecting…"', async () => {
    await bob.context().setOffline(true);
    await bob.evaluate(() => (window as HookedWindow).__roundtable!.conference.socket.io.engine.close());
    await expect(bob.getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible();
    await expect(bob.locator('main.meeting')).toHaveAttribute('data-state', 'reconnecting');
    // Still in the meeting view (not thrown back to the lobby).
    await expect(bob.getByRole('button', { name: 'Leave', exact: true })).toBeVisible();
  });

  await test.step('the network returns: it reconnects by itself', async () => {
    await bob.context().setOffline(false);
    await expect(bob.getByRole('status').filter({ hasText: 'Reconnecting…' })).toHaveCount(0, { timeout: 30_000 });
    await expect(bob.locator('main.meeting')).toHaveAttribute('data-state', 'connected');
    // Same participant as before (resumed, not a stranger with the same name).
    expect(await bob.evaluate(() => (window as HookedWindow).__roundtable!.conference.peerId)).toBe(peerBefore);
    await expect(tileOf(alice, 'Bob')).toHaveCount(1);
    await expect(tileOf(bob, 'Alice')).toHaveCount(1);
  });

  await test.step('video flows both ways again', async () => {
    await expectLiveVideo(bob, 'Alice');
    await expectLiveVideo(alice, 'Bob');
    await framesDecodedGrow(bob, 'Bob');
    await framesDecodedGrow(alice, 'Alice');
  });

  await test.step('a brief drop (network up) also shows the banner and recovers', async () => {
    await watchReconnectingBanner(bob);
    await bob.evaluate(() => (window as HookedWindow).__roundtable!.conference.socket.io.engine.close());
    await expect.poll(() => bob.evaluate(() => (window as unknown as { __sawReconnecting: boolean }).__sawReconnecting), { message: 'banner shown' }).toBe(true);
    await expect(bob.locator('main.meeting')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
    await expectLiveVideo(alice, 'Bob');
    await expectLiveVideo(bob, 'Alice');
  });
});
