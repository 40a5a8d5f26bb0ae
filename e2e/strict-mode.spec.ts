import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from '@playwright/test';
import { HostProcess } from '../tests/cluster/hostProcess';
import { expectLiveVideo, test, tileOf } from './support';

const run = promisify(execFile);

interface RoomStats {
  participants: { displayName: string; producers: { kind: string }[]; consumers: unknown[] }[];
}

/**
 * React StrictMode mounts, unmounts and mounts again every component in a development build, so
 * a join that is not idempotent joins twice, and a leave in a cleanup leaves a meeting just
 * joined. The production build the other specs use never does that: this spec builds the app in
 * development mode and serves it from its own host.
 */
test('in a development build (StrictMode double mounts), two people join once each, see each other and leave cleanly', async ({ browser }) => {
  test.setTimeout(180_000);
  const webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-dev-build-'));
  let host: HostProcess | undefined;
  try {
    // NODE_ENV selects React's development build, the one that double-invokes effects under StrictMode.
    await run('npx', ['vite', 'build', '--mode', 'development', '--outDir', webRoot, '--logLevel', 'error'], { maxBuffer: 16 << 20, env: { ...process.env, NODE_ENV: 'development' } });
    const bundle = fs.readdirSync(path.join(webRoot, 'assets')).filter((file) => file.endsWith('.js')).map((file) => fs.readFileSync(path.join(webRoot, 'assets', file), 'utf8')).join('\n');
    expect(bundle.includes('Error boundary caught an error'), "the bundle carries React's development build").toBe(true);
    host = await HostProcess.start({ nodeId: 'strict-mode', env: { ROUNDTABLE_WEB_ROOT: webRoot } });
    const baseUrl = host.url;
    const room = `strict-${Date.now()}`;

    const join = async (name: string) => {
      const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 720 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(new URL(`/?room=${room}&name=${name}`, baseUrl).toString());
      await page.getByRole('button', { name: 'Join', exact: true }).click();
      await expect(page.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
      return { page, errors };
    };
    const alice = await join('Alice');
    const bob = await join('Bob');
    await expectLiveVideo(alice.page, 'Bob');
    await expectLiveVideo(bob.page, 'Alice');
    await expect(alice.page.getByTestId('participant-tile')).toHaveCount(1);
    await expect(bob.page.getByTestId('participant-tile')).toHaveCount(1);

    // The host saw one join each: two participants, one camera and one mic each, each consuming
    // the other's two streams, nothing doubled.
    const stats = async () => {
      const response = await fetch(new URL(`/api/rooms/${room}/stats`, baseUrl), { headers: { authorization: `Bearer ${host!.adminToken}` } });
      return (await response.json()) as RoomStats;
    };
    await expect
      .poll(async () => (await stats()).participants.map((p) => `${p.displayName}: ${p.producers.map((producer) => producer.kind).sort().join('+')}, ${p.consumers.length} consumers`).sort())
      .toEqual(['Alice: audio+video, 2 consumers', 'Bob: audio+video, 2 consumers']);

    await bob.page.getByRole('button', { name: 'Leave' }).click();
    await expect(tileOf(alice.page, 'Bob')).toHaveCount(0, { timeout: 5_000 });
    await expect.poll(async () => (await stats()).participants.map((p) => p.displayName)).toEqual(['Alice']);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  } finally {
    await host?.stop();
    fs.rmSync(webRoot, { recursive: true, force: true });
  }
});
