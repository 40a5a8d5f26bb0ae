import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { expectLiveVideo, tileOf, test } from './support';

/**
 * The guest page under the host's Content-Security-Policy (issue 9, item 9): a CSP that breaks
 * the app is worse than none, so the whole meeting runs here with every violation recorded, from
 * the page's `securitypolicyviolation` events and from the console.
 */
test.describe.configure({ timeout: 120_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
});

type Watched = Page & { violations(): Promise<string[]> };

async function joinWatched(browser: Browser, room: string, name: string, consoleViolations: string[]): Promise<Watched> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  contexts.push(context);
  const page = await context.newPage();
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) consoleViolations.push(`[${name}] ${message.text()}`);
  });
  page.on('pageerror', (error) => console.error(`[${name}] page error:`, error));
  const response = await page.goto(`/?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}`);
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp, 'the page is served with the host CSP').toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByTestId('local-tile')).toBeVisible();
  return Object.assign(page, {
    violations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
  });
}

test('a whole meeting runs under the guest page CSP without a single violation', async ({ browser }) => {
  const room = `csp-${Date.now()}`;
  const consoleViolations: string[] = [];
  const alice = await joinWatched(browser, room, 'Alice', consoleViolations);
  const bob = await joinWatched(browser, room, 'Bob', consoleViolations);
  const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

  await expectLiveVideo(alice, 'Bob');
  await expectLiveVideo(bob, 'Alice');

  await button(bob, 'Share screen').click();
  const presentation = alice.getByTestId('screen-share');
  await expect(presentation).toBeVisible();
  await expect.poll(() => presentation.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  await button(bob, 'Stop sharing').click();

  await button(alice, 'Chat').click();
  const input = alice.getByRole('textbox', { name: 'Message everyone' });
  await input.fill('Under a strict CSP');
  await input.press('Enter');
  await button(bob, 'Chat').click();
  await expect(bob.getByTestId('chat-messages').getByRole('listitem').filter({ hasText: 'Under a strict CSP' })).toBeVisible();

  await expect(tileOf(alice, 'Bob')).toBeVisible();
  expect(await alice.violations()).toEqual([]);
  expect(await bob.violations()).toEqual([]);
  expect(consoleViolations).toEqual([]);
});

test('the page cannot be pointed at another server: connect-src stops it', async ({ browser }) => {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/');
  const blocked = await page.evaluate(async () => {
    const violation = new Promise<string>((resolve) =>
      document.addEventListener('securitypolicyviolation', (event) => resolve(event.effectiveDirective), { once: true }),
    );
    await fetch('http://127.0.0.2:9/steal').catch(() => undefined);
    return violation;
  });
  expect(blocked).toBe('connect-src');
});
