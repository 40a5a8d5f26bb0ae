import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { Host } from '../electron/host/Host';
import { startTestHost } from '../tests/support/testHost';
import { decodeIvf, recordForwardedVp8, writeIvf, type DecodeResult } from './e2ee/vp8Recording';
import { expectLiveVideo, test, tileOf } from './support';

/**
 * End-to-end encryption (issue 14, part 1), in Chromium against a host in this process, so the
 * test can look at what the host forwards and everything it receives over signaling and HTTP.
 */
test.describe.configure({ timeout: 360_000 });

const KEY = 'Kq3v9TzX1bN0pQ7rS2uW4w'; // what a meeting link's #key= carries (128 random bits, as generated)
const WRONG_KEY = 'wrong-key-typed-by-cat'; // a typed passphrase: stretched with PBKDF2
/** Frames of one camera recorded at the host (or what arrives in RECORD_MAX_MS on a busy machine). */
const RECORD_FRAMES = 30;
const RECORD_MAX_MS = 20_000;

let host: Host;
/** Everything the host received: HTTP request lines and headers, raw socket.io packets. */
const received: string[] = [];
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  host = await startTestHost({ roomIdleCloseMs: 1_000 });
  const { io } = host.signaling;
  io.httpServer.on('request', (req: { method?: string; url?: string; headers: unknown }) => received.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`));
  io.engine.on('connection', (socket: { on(event: 'packet', listener: (packet: { type: string; data?: unknown }) => void): void }) => {
    socket.on('packet', (packet) => received.push(`${packet.type} ${typeof packet.data === 'string' ? packet.data : JSON.stringify(packet.data ?? '')}`));
  });
});

test.afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
});

test.afterAll(async () => {
  await host?.stop();
});

/** Opens the meeting link (with `fragment`) in a fresh context and joins. `legacy`: a browser without RTCRtpScriptTransform. */
async function join(browser: Browser, room: string, name: string, fragment: string, options: { legacy?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 720 } });
  contexts.push(context);
  if (options.legacy) await context.addInitScript(() => void delete (window as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name}] page error:`, error));
  await page.goto(`${host.baseUrl}/?room=${room}&name=${name}${fragment}`);
  // The key left the address bar at once (it is not shown, bookmarked or shared with the page).
  await expect.poll(() => page.evaluate(() => window.location.hash), { timeout: 30_000 }).toBe('');
  // Three pages encoding 720p simulcast on a shared 2-core machine: joining can take a while, and
  // the SDK's own bounds (8 s to connect) can run out; the lobby then says so and Join is pressed again.
  for (let attempt = 1; ; attempt++) {
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    const outcome = await Promise.race([
      expect(page.locator('main.meeting')).toHaveAttribute('data-phase', 'joined', { timeout: 45_000 }).then(() => 'joined', () => 'timeout'),
      page.locator('main.lobby [role=alert]').waitFor({ timeout: 45_000 }).then(() => 'refused', () => 'timeout'),
    ]);
    if (outcome === 'timeout') throw new Error(`${name} neither joined nor was refused within 45 s`);
    if (outcome === 'joined') break;
    const alert = await page.locator('main.lobby [role=alert]').textContent();
    if (attempt === 2 || !/reach|lost/i.test(alert ?? '')) throw new Error(`${name} could not join: ${alert}`);
    console.warn(`${name}: join failed on the busy machine (${alert}); pressing Join again`);
    // The lobby is new: the key came from the link, so it has to be typed this time.
    if (fragment) {
      await page.getByLabel('End-to-end encryption').check();
      await page.getByLabel(/Meeting key/).fill(decodeURIComponent(fragment.replace('#key=', '')));
    }
  }
  return page;
}

/** Spread (standard deviation) of the luma of `sender`'s video as `page` decodes it: a real picture is not flat. */
function lumaSpread(page: Page, sender: string): Promise<number> {
  return tileOf(page, sender)
    .locator('video')
    .evaluate((video: HTMLVideoElement) => {
      if (!video.videoWidth) return 0;
      const canvas = document.createElement('canvas');
      canvas.width = 160;
      canvas.height = 90;
      const context = canvas.getContext('2d', { willReadFrequently: true })!;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < data.length; i += 4) {
        const y = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
        sum += y;
        squares += y * y;
      }
      const n = data.length / 4;
      return Math.sqrt(Math.max(0, squares / n - (sum / n) ** 2));
    })
    .catch(() => 0);
}

async function expectRealPicture(page: Page, sender: string): Promise<void> {
  await expectLiveVideo(page, sender);
  await expect.poll(() => lumaSpread(page, sender), { message: `${sender}'s picture has content` }).toBeGreaterThan(10);
  await expect(tileOf(page, sender)).toHaveAttribute('data-cannot-decrypt', 'false');
}

/** What the host could make of `name`'s camera: its forwarded RTP, depacketized and decoded with ffmpeg. */
async function decodeAtHost(room: string, name: string): Promise<DecodeResult & { frames: number; spatialLayers: number[] }> {
  // A starved page may be rejoining (new producers): wait for the camera the host forwards now.
  const cameraProducer = () => {
    const peer = [...(host.rooms.get(room)?.peers.values() ?? [])].find((p) => p.displayName === name);
    return [...(peer?.producers.values() ?? [])].find((p) => p.appData.source === 'camera' && !p.closed);
  };
  await expect.poll(() => cameraProducer() !== undefined, { message: `${name}'s camera at the host`, timeout: 60_000 }).toBe(true);
  const meeting = host.rooms.get(room)!;
  const camera = cameraProducer()!;
  const recording = await recordForwardedVp8(meeting.router, camera.id, RECORD_FRAMES, RECORD_MAX_MS);
  expect(recording.frames.length, `VP8 frames of ${name} recorded at the host`).toBeGreaterThan(10);
  expect(recording.width, 'the key frame header (kept clear for the SFU) gives the size').toBeGreaterThan(0);
  console.log(`${name}: simulcast layers the host switched through: ${recording.spatialLayers.join(' → ')}`);
  expect(recording.spatialLayers, 'the host forwards the lowest layer first').toContain(0);
  const file = path.join(os.tmpdir(), `roundtable-e2ee-${room}-${name}.ivf`);
  writeIvf(recording, file);
  try {
    return { ...(await decodeIvf(file, recording.width, recording.height)), frames: recording.frames.length, spatialLayers: recording.spatialLayers };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Pictures ffmpeg decoded that look like a picture (not flat), as a share of the frames recorded. */
const pictureShare = (result: DecodeResult & { frames: number }) => result.lumaSpread.filter((spread) => spread > 10).length / result.frames;

test('without E2EE the host can decode a camera it forwards (the control for the check below)', async ({ browser }) => {
  const room = `plain-${Date.now()}`;
  await join(browser, room, 'Dan', '');
  await expect.poll(() => host.rooms.get(room)?.peers.size ?? 0).toBe(1);
  await expect.poll(() => [...host.rooms.get(room)!.peers.values()][0]!.producers.size).toBe(2);
  const result = await decodeAtHost(room, 'Dan');
  console.log(`plain: ${result.frames} frames recorded, ${result.decodedFrames} decoded, ${result.errors.length} errors, picture share ${pictureShare(result).toFixed(2)}`);
  expect(result.errors).toEqual([]);
  expect(result.decodedFrames / result.frames).toBeGreaterThan(0.9);
  expect(pictureShare(result)).toBeGreaterThan(0.9);
});

/** Opens the chat panel on `page` (once) and returns its message list. */
async function chatLog(page: Page) {
  const chat = page.getByRole('button', { name: 'Chat', exact: true });
  if ((await chat.getAttribute('aria-expanded')) !== 'true') await chat.click();
  return page.getByTestId('chat-messages');
}

/** What PBKDF2 with our round count costs in this Chromium, and how long the UI thread went without running a 10 ms timer meanwhile. */
function measurePbkdf2(page: Page): Promise<{ ms: number; longestTimerGapMs: number }> {
  return page.evaluate(async () => {
    const encoder = new TextEncoder();
    const passphrase = await crypto.subtle.importKey('raw', encoder.encode('a typed passphrase'), 'PBKDF2', false, ['deriveBits']);
    let longestTimerGapMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longestTimerGapMs = Math.max(longestTimerGapMs, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode('roundtable/e2ee/v1/passphrase\u0000room'), iterations: 600_000 }, passphrase, 256);
    const ms = performance.now() - started;
    clearInterval(timer);
    return { ms, longestTimerGapMs };
  });
}

test('E2EE: two people with the key see each other, the wrong key sees "Cannot decrypt", the host sees neither picture nor key', async ({ browser }) => {
  const room = `e2ee-${Date.now()}`;
  // Ann opens the host's own link (owner key): her encrypted join marks the meeting end-to-end encrypted.
  const ann = await join(browser, room, 'Ann', `#key=${KEY}&owner=${encodeURIComponent(host.ownerKey)}`);
  expect(host.rooms.get(room)?.meetingState.admission.e2ee.on, 'the host holds the flag (not the key)').toBe(true);
  // Ben's browser has only the legacy encoded streams (older Chromium / Electron).
  const ben = await join(browser, room, 'Ben', `#key=${KEY}`, { legacy: true });
  expect(await ben.evaluate(() => typeof (window as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform)).toBe('undefined');
  const cat = await join(browser, room, 'Cat', `#key=${WRONG_KEY}`);

  await test.step('everyone sees the lock; the same key shows the same verification code', async () => {
    for (const page of [ann, ben, cat]) await expect(page.getByTestId('e2ee-code')).toHaveText(/^\d{3} \d{3}$/);
    const code = await ann.getByTestId('e2ee-code').textContent();
    await expect(ben.getByTestId('e2ee-code')).toHaveText(code!);
    await expect(cat.getByTestId('e2ee-code')).not.toHaveText(code!);
  });

  await test.step('Ann and Ben decode each other (script transform ⇄ legacy encoded streams)', async () => {
    await expectRealPicture(ann, 'Ben');
    await expectRealPicture(ben, 'Ann');
  });

  await test.step('Cat, with the wrong key, sees "Cannot decrypt" for both; they see it for Cat', async () => {
    for (const name of ['Ann', 'Ben']) {
      await expect(tileOf(cat, name).getByTestId('cannot-decrypt'), `Cat cannot decrypt ${name}`).toBeVisible();
      await expect(tileOf(cat, name)).toHaveAttribute('data-cannot-decrypt', 'true');
    }
    await expect(tileOf(ann, 'Cat').getByTestId('cannot-decrypt')).toBeVisible();
    await expect(tileOf(ben, 'Cat').getByTestId('cannot-decrypt')).toBeVisible();
  });

  const secret = 'Quarterly numbers: 42 and rising';
  await test.step('chat reaches the host only as ciphertext: Ben reads it, Cat (wrong key) sees "Message could not be decrypted"', async () => {
    const input = ann.getByRole('textbox', { name: 'Message everyone' });
    await chatLog(ann);
    await input.fill(secret);
    await input.press('Enter');
    await expect((await chatLog(ann)).getByRole('listitem').filter({ hasText: secret })).toBeVisible();
    await expect((await chatLog(ben)).getByRole('listitem').filter({ hasText: secret })).toContainText('Ann');
    await expect((await chatLog(cat)).getByRole('listitem').filter({ hasText: 'Message could not be decrypted' })).toContainText('Ann');
    await expect(await chatLog(cat)).not.toContainText(secret);
    const stored = host.rooms.get(room)!.chat;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.ciphertext, 'the host keeps ciphertext').toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(JSON.stringify(stored)).not.toContain('Quarterly');
    expect(received.filter((line) => line.includes('Quarterly')), 'nor did the plaintext pass through signaling').toEqual([]);
  });

  await test.step('a file is sealed chunk by chunk, its name and size too: Ben gets it, Cat (wrong key) "cannot decrypt"; neither its name nor its hash passes the host', async () => {
    const bytes = randomBytes(300 * 1024 + 5);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const filePath = test.info().outputPath('plan-q3.bin');
    await writeFile(filePath, bytes);
    await ann.getByTestId('chat-file-input').setInputFiles(filePath);
    const atBen = ben.getByTestId('file-transfer').filter({ hasText: 'plan-q3.bin' });
    await expect(atBen).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
    await expect(atBen).toContainText('Received, SHA-256 checked');
    await expect(atBen).toContainText('300 KB');
    const [download] = await Promise.all([ben.waitForEvent('download'), atBen.getByRole('link', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('plan-q3.bin');
    expect(createHash('sha256').update(await readFile(await download.path())).digest('hex')).toBe(sha256);
    const atCat = cat.getByTestId('file-transfer').filter({ hasText: 'Ann → everyone' });
    await expect(atCat).toHaveAttribute('data-state', 'corrupted');
    await expect(atCat).toHaveAttribute('data-sealed', 'true');
    await expect(atCat).toContainText('Cannot decrypt this file');
    await expect(atCat).not.toContainText('plan-q3');
    const offers = received.filter((line) => line.includes('"offerFile"'));
    expect(offers, 'the offer passed the host').toHaveLength(1);
    expect(received.filter((line) => line.includes('plan-q3')), 'the file\'s name did not pass through signaling').toEqual([]);
    expect(offers[0], 'nor its size').not.toContain(String(bytes.length));
    expect(received.filter((line) => line.includes(sha256)), 'nor its SHA-256').toEqual([]);
  });

  await test.step('the host forwards VP8 it cannot decode into a picture', async () => {
    const highestLayers: number[] = [];
    for (const name of ['Ann', 'Ben']) {
      const result = await decodeAtHost(room, name);
      highestLayers.push(Math.max(...result.spatialLayers));
      console.log(`e2ee ${name}: ${result.frames} frames recorded, ${result.decodedFrames} decoded, ${result.errors.length} errors, picture share ${pictureShare(result).toFixed(2)}`);
      // Not flat is not a picture: what a VP8 decoder makes of encrypted bytes is blocky noise with
      // spread. The decoder itself is the judge: it rejects most frames (the control: none).
      expect(result.errors.length, `decoder errors on ${name}'s camera`).toBeGreaterThan(0);
      expect(result.decodedFrames / result.frames, `share of ${name}'s frames the host could decode`).toBeLessThan(0.5);
    }
    // Simulcast keeps working: the host switches up at an encrypted key frame it recognised. A sender
    // starved of CPU (three encoding pages on a shared 2-core machine) may send only its lowest layer
    // for the whole recording, so one of the two senders switching up is the evidence.
    expect(Math.max(...highestLayers), 'the host switched some encrypted sender up a layer').toBeGreaterThan(0);
  });

  await test.step('Cat types the right key: the pictures come back both ways (new key epoch, key frames)', async () => {
    await cat.getByTestId('e2ee-indicator').click();
    await cat.getByTestId('e2ee-key-dialog').getByLabel('Meeting key').fill(KEY);
    await cat.getByRole('button', { name: 'Use this key' }).click();
    await expect(cat.getByTestId('e2ee-code')).toHaveText((await ann.getByTestId('e2ee-code').textContent())!);
    await expectRealPicture(cat, 'Ann');
    await expectRealPicture(ann, 'Cat');
  });

  await test.step('the key never reached the host (HTTP or signaling)', async () => {
    expect(received.length).toBeGreaterThan(10);
    for (const key of [KEY, WRONG_KEY]) expect(received.filter((line) => line.includes(key))).toEqual([]);
  });
});

test('E2EE meeting: a guest opening the link without #key= is asked for the key and sends nothing until she types it; chat is ciphertext at the host', async ({ browser }) => {
  const room = `e2ee-prompt-${Date.now()}`;
  const ann = await join(browser, room, 'Ann', `#key=${KEY}&owner=${encodeURIComponent(host.ownerKey)}`);
  expect(host.rooms.get(room)?.meetingState.admission.e2ee.on).toBe(true);
  const secret = 'Before Dee arrives: 7 apples';
  await (await chatLog(ann)).waitFor();
  await ann.getByRole('textbox', { name: 'Message everyone' }).fill(secret);
  await ann.getByRole('textbox', { name: 'Message everyone' }).press('Enter');
  await expect((await chatLog(ann)).getByRole('listitem').filter({ hasText: secret })).toBeVisible();
  const stored = host.rooms.get(room)!.chat;
  expect(stored[0]?.ciphertext, 'the host keeps ciphertext').toMatch(/^[A-Za-z0-9_-]{40,}$/);
  expect(JSON.stringify(stored)).not.toContain('apples');

  const peerNames = () => [...host.rooms.get(room)!.peers.values()].map((peer) => peer.displayName);
  const producerCount = () => [...host.rooms.get(room)!.peers.values()].flatMap((peer) => [...peer.producers.values()]).length;
  await expect.poll(producerCount, { message: "Ann's camera and mic at the host" }).toBe(2);
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 720 } });
  contexts.push(context);
  const dee = await context.newPage();
  await dee.goto(`${host.baseUrl}/?room=${room}&name=Dee`);
  await dee.getByRole('button', { name: 'Join', exact: true }).click();
  const prompt = dee.getByTestId('e2ee-key-prompt');
  await expect(prompt).toContainText('This meeting is end-to-end encrypted — enter the meeting key', { timeout: 45_000 });
  expect(peerNames(), 'Dee is not in the meeting').toEqual(['Ann']);
  // The prompt waits for her; meanwhile nothing of hers reaches the host.
  await dee.waitForTimeout(1_000);
  expect(peerNames()).toEqual(['Ann']);
  expect(producerCount()).toBe(2);

  await test.step('PBKDF2 for typed passphrases in this Chromium (figures for docs/SECURITY.md)', async () => {
    const figures = await measurePbkdf2(dee);
    console.log(`PBKDF2-SHA-256 ×600000 in Chromium: ${figures.ms.toFixed(0)} ms; longest gap between 10 ms timers meanwhile: ${figures.longestTimerGapMs.toFixed(0)} ms`);
  });

  // She pastes the link's key into the prompt: the same key, the same code as the link gave Ann.
  await prompt.getByLabel('Meeting key').fill(KEY);
  await prompt.getByRole('button', { name: 'Join encrypted' }).click();
  await expect(dee.locator('main.meeting')).toHaveAttribute('data-phase', 'joined', { timeout: 45_000 });
  await expect(dee.getByTestId('e2ee-code')).toHaveText((await ann.getByTestId('e2ee-code').textContent())!);
  await expect.poll(producerCount, { message: "Dee's camera and mic at the host" }).toBe(4);
  await expectRealPicture(dee, 'Ann');
  // The history replayed to her (ciphertext from the host) reads as Ann wrote it.
  await expect((await chatLog(dee)).getByRole('listitem').filter({ hasText: secret })).toContainText('Ann');
  expect(received.filter((line) => line.includes('apples') || line.includes(KEY)), 'neither the text nor the key passed through the host').toEqual([]);
});
