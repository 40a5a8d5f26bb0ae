/**
 * File transfer throughput on loopback: one Chromium page sends a file of random bytes to another
 * through the SFU (data channels, the app's own SDK: window back-pressure, SHA-256 on both sides).
 * Timed from `files.send()` to the receiver's `done` (every byte in, hash checked). The pages join
 * through the web app with their (fake) camera and microphone on, as in a meeting.
 * Usage: npm run bench:files   (BENCH_FILE_MB=200 BENCH_FILE_RUNS=3 BENCH_FILE_CAMERAS=1 BENCH_FILE_E2EE=0
 *        BENCH_FILE_AB=<variants>; one JSON line last). BENCH_FILE_AB: sender settings compared
 *        alternately in one run (each variant RUNS times), '|'-separated, each 'key=value,…' with
 *        chunkKB, highKB, lowKB (FileSendTuning; empty = the app's defaults), e.g. '|chunkKB=256|highKB=8192,lowKB=2048'.
 */
import { chromium, type Page } from '@playwright/test';
import { Host } from '../electron/host/Host';
import { createLogger } from '../electron/host/logger';
import type { Conference } from '../renderer/src/conference';
import { buildRenderer, removeDir } from './lib/builds';
import { chromiumLaunchOptions, exitNow, finish, loadNote, log, machine, median, round, watchdog } from './lib/common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 200);
const RUNS = Number(process.env.BENCH_FILE_RUNS ?? 3);
const GOAL_MB_S = 40;
/** BENCH_FILE_CAMERAS=0: both pages stop their camera and microphone after joining (isolates the file path). */
const CAMERAS = process.env.BENCH_FILE_CAMERAS !== '0';
/** BENCH_FILE_E2EE=1: both pages join with a meeting key (#key=), so every chunk is sealed and opened (AES-GCM). */
const E2EE = process.env.BENCH_FILE_E2EE === '1';
const E2EE_KEY = 'Kq3v9TzX1bN0pQ7rS2uW4w';

interface Variant {
  chunkBytes?: number;
  bufferHigh?: number;
  bufferLow?: number;
}
const VARIANT_KEYS: Record<string, keyof Variant> = { chunkKB: 'chunkBytes', highKB: 'bufferHigh', lowKB: 'bufferLow' };
const VARIANTS: { name: string; tuning: Variant }[] = (process.env.BENCH_FILE_AB ?? '').split('|').map((spec) => ({
  name: spec || 'default',
  tuning: Object.fromEntries(
    spec.split(',').filter(Boolean).map((pair) => {
      const [key, value] = pair.split('=');
      const field = VARIANT_KEYS[key!];
      if (!field || !(Number(value) > 0)) throw new Error(`BENCH_FILE_AB: bad setting ${pair}`);
      return [field, Number(value) * 1024];
    }),
  ),
}));

type Hooked = Window & { __roundtable?: { conference: Conference } };

/** Connection changes and network repairs seen by the pages: a transfer must not cost a session. */
const sessionEvents: string[] = [];

async function join(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/?room=bench-files&name=${name}${E2EE ? `#key=${E2EE_KEY}` : ''}`);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByTestId('local-tile').waitFor();
  await page.waitForFunction(() => (window as Hooked).__roundtable?.conference.state === 'connected');
  page.on('console', (message) => {
    const text = message.text();
    if (!text.startsWith('session-event ')) return;
    sessionEvents.push(`${name}: ${text.slice(14)}`);
    log(`${name}: ${text.slice(14)}`);
  });
  await page.evaluate(() => {
    const conference = (window as Hooked).__roundtable!.conference;
    conference.on('connectionStateChanged', (e) => console.log(`session-event state ${e.state} ${e.reason ?? ''}`));
    conference.on('networkRepair', (e) => console.log(`session-event ${e.action}: ${e.reason}`));
  });
  if (!CAMERAS) await page.evaluate(() => Promise.all([...(window as Hooked).__roundtable!.conference.localStreams].map((stream) => stream.stop())));
}

/** One transfer: random bytes made in the sender page, sent to the receiver; ms until the receiver's hash-checked `done`. */
async function transfer(sender: Page, receiver: Page, bytes: number, tuning: Variant): Promise<{ ms: number; senderMs: number }> {
  // No named functions inside evaluate(): tsx would wrap them in a helper the page does not have.
  const received = receiver.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        let settled = false;
        (window as Hooked).__roundtable!.conference.files.on('transfer', (t: { direction: string; state: string; message?: string }) => {
          if (settled || t.direction !== 'incoming') return;
          if (t.state === 'done') resolve(performance.timeOrigin + performance.now());
          else if (t.state === 'corrupted' || t.state === 'failed' || t.state === 'cancelled') reject(new Error(`${t.state}: ${t.message}`));
          else return;
          settled = true;
        });
      }),
  );
  received.catch(() => undefined);
  const { startedAt, senderDoneAt } = await sender.evaluate(async ({ size, tuning }) => {
    const chunk = new Uint8Array(65536);
    const parts: Uint8Array[] = [];
    for (let at = 0; at < size; at += chunk.length) {
      crypto.getRandomValues(chunk);
      parts.push(chunk.slice(0, Math.min(chunk.length, size - at)));
      // Yield now and then: a page busy for seconds misses socket.io's heartbeat and is dropped.
      if (parts.length % 64 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const file = new File(parts as BlobPart[], 'bench.bin', { type: 'application/octet-stream' });
    const files = (window as Hooked).__roundtable!.conference.files;
    files.sendTuning = tuning;
    const start = performance.timeOrigin + performance.now();
    const sent = await files.send(file);
    const doneAt = await new Promise<number>((resolve, reject) => {
      files.on('transfer', (t: { id: string; state: string; message?: string }) => {
        if (t.id !== sent.id) return;
        if (t.state === 'done') resolve(performance.timeOrigin + performance.now());
        else if (t.state !== 'starting' && t.state !== 'transferring') reject(new Error(`${t.state}: ${t.message}`));
      });
    });
    return { startedAt: start, senderDoneAt: doneAt };
  }, { size: bytes, tuning });
  const receivedAt = await received;
  return { ms: receivedAt - startedAt, senderMs: senderDoneAt - startedAt };
}

async function main(): Promise<void> {
  log(`file transfer bench: ${RUNS} × ${FILE_MB} MB page → page through the SFU, cameras ${CAMERAS ? 'on' : 'off'}${E2EE ? ', end-to-end encrypted' : ''}; ${loadNote()}`);
  const webRoot = await buildRenderer();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-bench-files-'));
  const host = await Host.start(
    { listenIp: '127.0.0.1', announcedIp: '127.0.0.1', httpPort: 0, rtcPort: 0, workers: 1, tls: false, discovery: false, dataDir, webRoot },
    { logger: createLogger('warn') },
  );
  const launch = await chromiumLaunchOptions();
  const browser = await chromium.launch(launch);
  const guard = watchdog('files', 9 * 60_000, async () => {
    await browser.close();
    await host.stop();
  });
  let summary: Record<string, unknown>;
  let details: Record<string, unknown>;
  try {
    const pages: Page[] = [];
    for (const name of ['Sender', 'Receiver']) {
      const page = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
      await join(page, host.baseUrl, name);
      pages.push(page);
    }
    const [sender, receiver] = pages as [Page, Page];
    const bytes = FILE_MB * 1024 * 1024;
    // A participant who turned camera and mic off has no producer left on the host.
    const liveProducers = () => [...(host.rooms.get('bench-files')?.peers.values() ?? [])].flatMap((peer) => [...peer.producers.values()]).filter((p) => !p.closed && !p.paused).length;
    if (!CAMERAS) {
      const deadline = Date.now() + 5_000;
      while (liveProducers() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      log(`live producers on the host after both pages stopped camera and mic: ${liveProducers()}`);
    }
    const runs: { variant: string; mbPerS: number; ms: number; senderMs: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const variant of VARIANTS) {
        const { ms, senderMs } = await transfer(sender, receiver, bytes, variant.tuning);
        const mbPerS = bytes / 1024 / 1024 / (ms / 1000);
        runs.push({ variant: variant.name, mbPerS: round(mbPerS)!, ms: round(ms)!, senderMs: round(senderMs)! });
        log(`run ${i + 1} [${variant.name}]: ${FILE_MB} MB in ${round(ms / 1000, 2)} s = ${round(mbPerS)} MB/s (sender saw done after ${round(senderMs / 1000, 2)} s)`);
      }
    }
    const medians = Object.fromEntries(VARIANTS.map((variant) => [variant.name, round(median(runs.filter((r) => r.variant === variant.name).map((r) => r.mbPerS)))]));
    const mbPerS = median(runs.filter((r) => r.variant === VARIANTS[0]!.name).map((r) => r.mbPerS));
    for (const [name, value] of Object.entries(medians)) log(`median [${name}] ${value} MB/s`);
    log(`median ${round(mbPerS)} MB/s (goal ≥ ${GOAL_MB_S} MB/s: ${mbPerS >= GOAL_MB_S ? 'met' : 'MISSED'})`);
    summary = { bench: 'files', fileMB: FILE_MB, runs: RUNS, cameras: CAMERAS, e2ee: E2EE, medianMBps: round(mbPerS), ...(VARIANTS.length > 1 ? { variantMedianMBps: medians } : {}), minMBps: round(Math.min(...runs.map((r) => r.mbPerS))), goalMBps: GOAL_MB_S, goalMet: mbPerS >= GOAL_MB_S, ...(CAMERAS ? {} : { liveProducersAfterStop: liveProducers() }), sessionEvents: sessionEvents.length, loadavg: machine().loadavg };
    details = { machine: machine(), runs, sessionEvents };
  } finally {
    guard.clear();
    await browser.close();
    await host.stop();
    removeDir(webRoot);
    removeDir(dataDir);
  }
  finish('files', summary, details);
}

main().then(
  () => undefined,
  (error: unknown) => {
    console.error(error);
    process.stdout.write(JSON.stringify({ bench: 'files', ok: false, error: String(error) }) + '\n');
    exitNow(1);
  },
);
