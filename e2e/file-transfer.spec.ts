import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { expect, type Page } from '@playwright/test';
import { joinAs, test, type HookedWindow } from './support';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Records every transfer event's byte count in the page (progress as the SDK reports it to the UI). */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as HookedWindow & { __progress?: number[] };
    w.__progress = [];
    w.__roundtable!.conference.files.on('transfer', (t) => w.__progress!.push(t.bytes));
  });
}
const progressOf = (page: Page) => page.evaluate(() => (window as Window & { __progress?: number[] }).__progress ?? []);

test('a 20 MB file and a private message reach only their recipient; the file arrives with the same SHA-256', async ({ browser }) => {
  test.slow(); // three pages with camera and mic, and 20 MB through the SFU
  const alice = await joinAs(browser, 'files', 'Alice');
  const bob = await joinAs(browser, 'files', 'Bob');
  const carol = await joinAs(browser, 'files', 'Carol');
  for (const page of [alice, bob, carol]) {
    await button(page, 'Chat').click();
    await recordProgress(page);
  }
  const bytes = randomBytes(20 * 1024 * 1024);
  // A file on disk, as a user picks one: Playwright hands its path to Chromium. Given as a buffer,
  // Playwright builds the file in the page's JavaScript, which froze the page for 40–130 s on this
  // machine (long enough for the host to drop the frozen page's connection: a harness artefact).
  const filePath = test.info().outputPath('random.bin');
  await writeFile(filePath, bytes);

  await test.step('Alice sends the file to Bob privately; both see progress; Bob downloads it intact', async () => {
    await alice.getByLabel('To', { exact: true }).selectOption({ label: 'Bob (private)' });
    await alice.getByTestId('chat-file-input').setInputFiles(filePath);
    const incoming = bob.getByTestId('file-transfer').filter({ hasText: 'random.bin' });
    // Correctness here, speed in bench:files: on CI's two cores, with three pages sending camera and
    // mic, a CI run had 19 MB of the 20 at Bob after 45 s (still arriving, not stalled).
    await expect(incoming).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
    await expect(incoming).toContainText('Alice → you (private)');
    await expect(incoming).toContainText('Received, SHA-256 checked');
    await expect(alice.getByTestId('file-transfer').filter({ hasText: 'random.bin' })).toHaveAttribute('data-state', 'done');

    const partial = (values: number[]) => values.some((n) => n > 0 && n < bytes.length);
    expect(partial(await progressOf(bob)), 'Bob saw the file arrive in parts').toBe(true);
    expect(partial(await progressOf(alice)), 'Alice saw delivery progress').toBe(true);

    const [download] = await Promise.all([bob.waitForEvent('download'), incoming.getByRole('link', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('random.bin');
    expect(sha256(await readFile(await download.path()))).toBe(sha256(bytes));
  });

  await test.step('a private message is shown as private to its recipient only', async () => {
    await alice.getByPlaceholder('Message Bob privately').fill('Only for Bob');
    await alice.getByPlaceholder('Message Bob privately').press('Enter');
    const atBob = bob.getByTestId('chat-messages').getByRole('listitem').filter({ hasText: 'Only for Bob' });
    await expect(atBob).toContainText('(private)');
    await expect(atBob).toHaveAttribute('data-private', 'true');
    await expect(alice.getByTestId('chat-messages').getByRole('listitem').filter({ hasText: 'Only for Bob' })).toContainText('You → Bob (private)');
    // A message to everyone after it: once Carol has that, she would have had the private one too.
    await alice.getByLabel('To', { exact: true }).selectOption({ label: 'Everyone' });
    await alice.getByPlaceholder('Message everyone').fill('Hello all');
    await alice.getByPlaceholder('Message everyone').press('Enter');
    await expect(carol.getByTestId('chat-messages').getByRole('listitem').filter({ hasText: 'Hello all' })).toBeVisible();
    await expect(carol.getByTestId('chat-messages').getByRole('listitem')).toHaveCount(1);
    await expect(carol.getByTestId('file-transfer')).toHaveCount(0);
    expect(await progressOf(carol)).toEqual([]);
  });
});

test('after a cancelled transfer (either side), the next file between the same two pages still arrives', async ({ browser }) => {
  test.slow(); // two pages with camera and mic, three transfers
  const alice = await joinAs(browser, 'files-again', 'Alice');
  const bob = await joinAs(browser, 'files-again', 'Bob');
  for (const page of [alice, bob]) await button(page, 'Chat').click();
  const big = test.info().outputPath('big.bin');
  await writeFile(big, randomBytes(16 * 1024 * 1024));
  const cards = (page: Page) => page.getByTestId('file-transfer');

  for (const [round, canceller] of [[0, alice], [1, bob]] as const) {
    await alice.getByTestId('chat-file-input').setInputFiles(big);
    // Cancelled once bytes flow: the data channels are reset with data in flight.
    await expect(cards(bob).nth(round * 2)).toHaveAttribute('data-state', 'transferring');
    await expect.poll(() => bob.evaluate(() => (window as HookedWindow).__roundtable!.conference.files.list.at(-1)?.bytes ?? 0)).toBeGreaterThan(0);
    await button(canceller, 'Cancel').click();
    for (const page of [alice, bob]) await expect(cards(page).nth(round * 2)).toHaveAttribute('data-state', 'cancelled');

    const small = randomBytes(1024 * 1024);
    const smallPath = test.info().outputPath(`small-${round}.bin`);
    await writeFile(smallPath, small);
    await alice.getByTestId('chat-file-input').setInputFiles(smallPath);
    const incoming = cards(bob).nth(round * 2 + 1);
    await expect(incoming).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
    const [download] = await Promise.all([bob.waitForEvent('download'), incoming.getByRole('link', { name: 'Download' }).click()]);
    expect(sha256(await readFile(await download.path()))).toBe(sha256(small));
  }
});
