/**
 * CPU cost of the media effects on this machine, measured in Chromium with the app's own code:
 *  - noise suppression: RNNoise (AudioWorklet, wasm) rendering 20 s of audio offline, minus the
 *    same graph without it: ms of processing per second of audio (= % of one core);
 *  - background blur / picture: MediaPipe selfie segmentation + compositing on the fake 640×480
 *    camera for 15 s: ms per frame (median, p95) and the frame rate it kept up.
 * Usage: npm run bench:effects   (prints figures, one JSON line last)
 */
import http from 'node:http';
import path from 'node:path';
import { chromium } from '@playwright/test';
import sirv from 'sirv';
import { chromiumLaunchOptions, finish, log, machine, median, percentile, repoRoot, round, watchdog, exitNow } from './lib/common';
import { removeDir } from './lib/builds';
import fs from 'node:fs';
import os from 'node:os';

async function buildPage(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-bench-effects-'));
  const { build } = await import('vite');
  await build({ root: path.join(repoRoot, 'bench/effects'), base: './', logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  return outDir;
}

async function main(): Promise<void> {
  const dir = await buildPage();
  const server = http.createServer(sirv(dir, { dev: true }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const launch = await chromiumLaunchOptions();
  // WebGL for MediaPipe without a GPU: SwiftShader (what a laptop without GPU drivers gets).
  const browser = await chromium.launch({ ...launch, args: [...launch.args, '--enable-unsafe-swiftshader'] });
  const guard = watchdog('effects', 9 * 60_000, async () => {
    await browser.close();
    server.close();
  });
  let summary: Record<string, unknown>;
  let details: Record<string, unknown>;
  try {
    const page = await (await browser.newContext({ permissions: ['camera'] })).newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'bench' in window);
    type Bench = { renderAudio(s: number, on: boolean): Promise<{ ms: number; noiseDb: number }>; runBackground(kind: string, s: number): Promise<{ frames: number[]; tooSlow?: number }> };
    const seconds = 20;
    const plain: number[] = [];
    const rnnoise: number[] = [];
    let noiseDb = { plain: NaN, rnnoise: NaN };
    for (let i = 0; i < 3; i++) {
      const off = await page.evaluate((s) => (window as unknown as { bench: Bench }).bench.renderAudio(s, false), seconds);
      const on = await page.evaluate((s) => (window as unknown as { bench: Bench }).bench.renderAudio(s, true), seconds);
      plain.push(off.ms);
      rnnoise.push(on.ms);
      noiseDb = { plain: off.noiseDb, rnnoise: on.noiseDb };
    }
    const rnnoiseMsPerSecond = (median(rnnoise) - median(plain)) / seconds;
    log(`noise suppression: ${round(rnnoiseMsPerSecond, 2)} ms of processing per second of audio (${round(rnnoiseMsPerSecond / 10, 2)} % of one core); noise-only level ${round(noiseDb.plain)} dBFS without, ${round(noiseDb.rnnoise)} dBFS with RNNoise`);

    const background: Record<string, unknown> = {};
    for (const kind of ['blur', 'image'] as const) {
      const result = await page.evaluate((k) => (window as unknown as { bench: Bench }).bench.runBackground(k, 15), kind);
      // After model start-up: drop the first frames (15, or a third of them on a slow machine).
      const frames = result.frames.slice(Math.min(15, Math.floor(result.frames.length / 3)));
      background[kind] = { framesMeasured: frames.length, medianMs: round(median(frames)), p95Ms: round(percentile(frames, 95)), framesIn15s: result.frames.length, tooSlow: result.tooSlow !== undefined };
      log(`background ${kind}: median ${round(median(frames))} ms per frame, p95 ${round(percentile(frames, 95))} ms, ${frames.length} frames measured${result.tooSlow !== undefined ? ' (judged too slow: the app would turn it off)' : ''}`);
    }
    summary = { rnnoiseMsPerSecondOfAudio: round(rnnoiseMsPerSecond, 2), noiseDbWithout: round(noiseDb.plain), noiseDbWith: round(noiseDb.rnnoise), background, loadavg: machine().loadavg };
    details = { machine: machine(), plainRenderMs: plain, rnnoiseRenderMs: rnnoise };
  } finally {
    guard.clear();
    await browser.close();
    server.close();
    removeDir(dir);
  }
  finish('effects', summary, details);
}

main().then(
  () => undefined,
  (error: unknown) => {
    console.error(error);
    exitNow(1);
  },
);
