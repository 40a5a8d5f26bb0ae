/**
 * CPU cost of the media effects on this machine, measured in Chromium with the app's own code:
 *  - noise suppression: RNNoise (AudioWorklet, wasm) rendering 20 s of audio offline, minus the
 *    same graph without it: ms of processing per second of audio (= % of one core);
 *  - background blur / picture: the app's background worker (MediaPipe selfie segmentation,
 *    landscape model, on TFLite + XNNPACK wasm SIMD, + 2D-canvas compositing) on the fake
 *    640×480 camera (and blur on a 1280×720 one) at 30 fps for 15 s each: worker ms per frame (median, p95, and its segmentation /
 *    compositing parts), frames delivered per second, and the page's main-thread busy time per
 *    delivered frame (CDP Performance.getMetrics);
 *  - for comparison, MediaPipe's legacy WebGL graph (what the app used before) on the main
 *    thread: ms per frame of segmentation alone, and which WebGL renderer it got.
 * Usage: npm run bench:effects   (prints figures, one JSON line last)
 * Env: BENCH_EFFECTS=audio,blur,image,blur720,webgl (default all; blur720 = blur on a 1280×720 camera).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import sirv from 'sirv';
import type { FrameTiming } from '../renderer/src/media/video/backgroundEffect';
import { removeDir } from './lib/builds';
import { chromiumLaunchOptions, exitNow, finish, log, machine, median, percentile, repoRoot, round, watchdog } from './lib/common';

interface BackgroundRun {
  frames: FrameTiming[];
  delivered: number;
  seconds: number;
  tooSlow?: number;
  failed?: string;
}
interface Bench {
  renderAudio(s: number, on: boolean): Promise<{ ms: number; noiseDb: number }>;
  runBackground(kind: string, s: number, width: number, height: number): Promise<BackgroundRun>;
  runLegacyWebgl(s: number): Promise<{ frames: number[]; renderer: string }>;
}

const SECONDS = 15;
const parts = (process.env.BENCH_EFFECTS ?? 'audio,blur,image,blur720,webgl').split(',');

async function buildPage(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-bench-effects-'));
  const { build } = await import('vite');
  await build({ root: path.join(repoRoot, 'bench/effects'), base: './', logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  return outDir;
}

async function noiseSuppression(page: Page): Promise<Record<string, unknown>> {
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
  const msPerSecond = (median(rnnoise) - median(plain)) / seconds;
  log(`noise suppression: ${round(msPerSecond, 2)} ms of processing per second of audio (${round(msPerSecond / 10, 2)} % of one core); noise-only level ${round(noiseDb.plain)} dBFS without, ${round(noiseDb.rnnoise)} dBFS with RNNoise`);
  return { rnnoiseMsPerSecondOfAudio: round(msPerSecond, 2), noiseDbWithout: round(noiseDb.plain), noiseDbWith: round(noiseDb.rnnoise), plainRenderMs: plain, rnnoiseRenderMs: rnnoise };
}

/** The page's main-thread busy time so far (s), from Chromium's own counters (Performance domain on in `session`). */
async function mainThreadSeconds(session: CDPSession): Promise<number> {
  const { metrics } = await session.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
}

async function background(page: Page, session: CDPSession, kind: string, width: number, height: number): Promise<Record<string, unknown>> {
  const before = await mainThreadSeconds(session);
  const result = await page.evaluate(({ k, s, w, h }) => (window as unknown as { bench: Bench }).bench.runBackground(k, s, w, h), { k: kind, s: SECONDS, w: width, h: height });
  const mainThread = (await mainThreadSeconds(session)) - before;
  // After model start-up: drop the first frames (15, or a third of them on a slow machine).
  const warm = result.frames.slice(Math.min(15, Math.floor(result.frames.length / 3)));
  // The effect draws smaller when full size is too slow: the figures are those of the size it settled on.
  const last = warm.at(-1);
  const frames = warm.filter((f) => f.width === last?.width);
  const total = frames.map((f) => f.totalMs);
  const figures = {
    outputSize: last ? `${last.width}x${last.height}` : 'none',
    framesMeasured: frames.length,
    medianMs: round(median(total)),
    p95Ms: round(percentile(total, 95)),
    segmentMedianMs: round(median(frames.map((f) => f.segmentMs))),
    composeMedianMs: round(median(frames.map((f) => f.composeMs))),
    deliveredFps: round(result.delivered / result.seconds, 1),
    mainThreadMsPerFrame: round((mainThread * 1000) / Math.max(1, result.delivered), 2),
    tooSlow: result.tooSlow !== undefined,
    ...(result.failed ? { failed: result.failed } : {}),
  };
  log(
    `background ${kind} ${width}x${height} camera, drawn at ${figures.outputSize} (worker, TFLite wasm SIMD): worker ${figures.medianMs} ms per frame median (segmentation ${figures.segmentMedianMs}, compositing ${figures.composeMedianMs}), p95 ${figures.p95Ms}; ` +
      `${figures.deliveredFps} fps delivered from a 30 fps camera; main thread ${figures.mainThreadMsPerFrame} ms per frame` +
      (figures.tooSlow ? ' (judged too slow: the app would turn it off)' : '') +
      (result.failed ? ` FAILED: ${result.failed}` : ''),
  );
  return figures;
}

async function legacyWebgl(page: Page): Promise<Record<string, unknown>> {
  const result = await page.evaluate((s) => (window as unknown as { bench: Bench }).bench.runLegacyWebgl(s), SECONDS);
  const frames = result.frames.slice(Math.min(15, Math.floor(result.frames.length / 3)));
  const figures = { framesMeasured: frames.length, medianMs: round(median(frames)), p95Ms: round(percentile(frames, 95)), renderer: result.renderer };
  log(`segmentation alone, MediaPipe's legacy WebGL graph on the main thread (${result.renderer}): median ${figures.medianMs} ms per frame, p95 ${figures.p95Ms} ms, ${frames.length} frames measured`);
  return figures;
}

async function main(): Promise<void> {
  const dir = await buildPage();
  const server = http.createServer(sirv(dir, { dev: true }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const launch = await chromiumLaunchOptions();
  // The e2e flags (incl. --disable-gpu) plus WebGL in software (SwiftShader), so the legacy WebGL
  // graph can be measured at all on a machine without a GPU; the app's worker does not use WebGL.
  const browser = await chromium.launch({ ...launch, args: [...launch.args, '--enable-unsafe-swiftshader'] });
  const guard = watchdog('effects', 9 * 60_000, async () => {
    await browser.close();
    server.close();
  });
  const summary: Record<string, unknown> = {};
  const details: Record<string, unknown> = { machine: machine() };
  try {
    const page = await (await browser.newContext({ permissions: ['camera'] })).newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') log(`page: ${message.text()}`);
    });
    // Chromium counts the page's main-thread task time while this session keeps the Performance domain on.
    const session = await page.context().newCDPSession(page);
    await session.send('Performance.enable');
    await page.goto(url);
    await page.waitForFunction(() => 'bench' in window);
    if (parts.includes('audio')) {
      const { plainRenderMs, rnnoiseRenderMs, ...audio } = await noiseSuppression(page);
      Object.assign(summary, audio);
      Object.assign(details, { plainRenderMs, rnnoiseRenderMs });
    }
    const backgrounds: Record<string, unknown> = {};
    for (const kind of ['blur', 'image'].filter((k) => parts.includes(k))) backgrounds[kind] = await background(page, session, kind, 640, 480);
    // The meeting asks the camera for 720p: compositing grows with the frame, segmentation does not.
    if (parts.includes('blur720')) backgrounds.blur720p = await background(page, session, 'blur', 1280, 720);
    if (parts.includes('webgl')) backgrounds.legacyWebglSegmentation = await legacyWebgl(page);
    summary.background = backgrounds;
    summary.loadavg = machine().loadavg;
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
