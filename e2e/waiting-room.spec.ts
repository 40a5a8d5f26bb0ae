import { expect, type Page } from '@playwright/test';
import { joinWith, openLobby, tileOf, test } from './support';

// One meeting for every step: fewer Chromium pages at once (CI time, two cores).
test.describe.configure({ timeout: 180_000 });

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** The host turns the waiting room on from the host controls (participants panel). */
async function turnOnWaitingRoom(host: Page): Promise<void> {
  await button(host, 'Participants').click();
  const controls = host.getByRole('region', { name: 'Host controls' });
  await controls.getByRole('button', { name: 'Turn on waiting room' }).click();
  await expect(controls.getByRole('button', { name: 'Turn off waiting room' })).toHaveAttribute('aria-pressed', 'true');
  await button(host, 'Participants').click();
}

/** `name` presses Join and lands in the waiting room: the message and their own camera, nothing of the meeting. */
async function knock(room: string, name: string, browser: Parameters<typeof openLobby>[0]): Promise<Page> {
  const page = await openLobby(browser, name, { query: `?room=${room}&name=${name}` });
  await button(page, 'Join').click();
  const screen = page.getByTestId('waiting-screen');
  await expect(screen.getByRole('status')).toHaveText('Waiting for the host to let you in');
  return page;
}

const waitingList = (host: Page) => host.getByRole('region', { name: 'Waiting to join' });

test('knock, admit, deny, admit all, and the host leaving while people wait', async ({ browser }) => {
  const room = `waiting-${Date.now()}`;
  const host = await joinWith(browser, room, 'Hana', { ownerLink: true });
  await turnOnWaitingRoom(host);
  let ann: Page;
  let mallory: Page;
  let bo: Page;

  await test.step('Ann knocks: she sees her own preview and nothing of the meeting; Hana hears and sees the knock', async () => {
    ann = await knock(room, 'Ann', browser);
    const preview = ann.getByTestId('waiting-screen').locator('video');
    await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth), { message: "Ann's own preview plays" }).toBeGreaterThan(0);
    await expect(ann.locator('main.meeting')).toHaveCount(0);
    await expect(ann.getByTestId('participant-list')).toHaveCount(0);
    await expect(ann.getByRole('button', { name: 'Chat' })).toHaveCount(0);

    const list = waitingList(host);
    await expect(list.locator('[data-waiting-name="Ann"]')).toBeVisible();
    await expect(list.getByTestId('waiting-count')).toHaveText('1');
    await expect(list).toHaveAttribute('data-knocks', '1');
    await expect(tileOf(host, 'Ann')).toHaveCount(0);

    await list.getByRole('button', { name: 'Admit Ann' }).click();
    await expect(ann.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
    await expect(tileOf(ann, 'Hana')).toBeVisible();
    await expect(tileOf(host, 'Ann')).toBeVisible();
    await expect(list).toHaveCount(0); // nobody left waiting
  });

  await test.step('Hana denies Mallory, who reads why in the lobby', async () => {
    mallory = await knock(room, 'Mallory', browser);
    await waitingList(host).getByRole('button', { name: 'Deny Mallory' }).click();
    await expect(mallory.getByRole('alert')).toHaveText('The host did not let you in.');
    await expect(button(mallory, 'Join')).toBeVisible();
    await expect(tileOf(host, 'Mallory')).toHaveCount(0);
  });

  await test.step('Mallory knocks again and Bo knocks; Admit all lets both in', async () => {
    await button(mallory, 'Join').click();
    await expect(mallory.getByTestId('waiting-screen')).toBeVisible();
    bo = await knock(room, 'Bo', browser);
    const list = waitingList(host);
    await expect(list.getByTestId('waiting-count')).toHaveText('2');
    await list.getByRole('button', { name: 'Admit all' }).click();
    await expect(bo.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
    await expect(mallory.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
    await expect(tileOf(host, 'Bo')).toBeVisible();
    await expect(tileOf(host, 'Mallory')).toBeVisible();
  });

  await test.step('Bo leaves and knocks again; Hana leaves while he waits: Ann, the new host, sees the list and lets him in', async () => {
    await button(bo, 'Leave').click();
    await button(bo, 'Join').click();
    await expect(bo.getByTestId('waiting-screen')).toBeVisible();
    await expect(waitingList(host).locator('[data-waiting-name="Bo"]')).toBeVisible();
    await expect(waitingList(ann)).toHaveCount(0); // not the host: sees nobody waiting
    await button(host, 'Leave').click();
    const list = waitingList(ann);
    await expect(list.locator('[data-waiting-name="Bo"]')).toBeVisible();
    await list.getByRole('button', { name: 'Admit Bo' }).click();
    await expect(bo.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
    await expect(tileOf(bo, 'Ann')).toBeVisible();
    await expect(tileOf(bo, 'Hana')).toHaveCount(0);
  });
});
