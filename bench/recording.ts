/**
 * bench:recording — can MediaRecorder in this Chromium keep up with the meeting recording?
 * A worker draws a detailed, moving 1280×720 picture 15 times a second into a
 * MediaStreamTrackGenerator (the app's compositor path), with an audio tone, and MediaRecorder
 * records it for a few seconds; ffprobe counts the video frames that reached the file. The codecs
 * the app may pick (RECORDING_MIME_TYPES) alternate run by run (A, B, C, A, B, C …), so drift in
 * the machine's load does not favour one. Figures: frames drawn, frames in the file, the file's
 * last frame time, per codec (median over rounds). One JSON line last.
 *
 *   npm run bench:recording     Env: BENCH_RECORDING_ROUNDS (default 4), BENCH_RECORDING_SECONDS (5)
 * Talks to nothing: the page is served from memory by Playwright.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from '@playwright/test';
import { RECORDING_MIME_TYPES } from '../renderer/src/media/recording/MeetingRecorder';
import { chromiumLaunchOptions, exitNow, finish, loadNote, log, machine, median, round, watchdog } from './lib/common';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_RECORDING_ROUNDS ?? 4);
const SECONDS = Number(process.env.BENCH_RECORDING_SECONDS ?? 5);
const FPS = 15;

/** In the page: draw for `seconds` in a worker, record with `mimeType`, answer the file (base64) and frames drawn. */
const RECORD = `async ({ mimeType, seconds, fps }) => {
  const generator = new MediaStreamTrackGenerator({ kind: 'video' });
  const audio = new AudioContext();
  const tone = audio.createOscillator();
  const sink = audio.createMediaStreamDestination();
  tone.connect(sink);
  tone.start();
  const worker = new Worker(URL.createObjectURL(new Blob([\`
    onmessage = async ({ data }) => {
      const writer = data.output.getWriter();
      const canvas = new OffscreenCanvas(1280, 720);
      const context = canvas.getContext('2d', { alpha: false, willReadFrequently: true });
      const started = performance.now();
      let drawn = 0;
      while (performance.now() - started < data.seconds * 1000) {
        const began = performance.now();
        for (let k = 0; k < 300; k++) {
          context.fillStyle = 'hsl(' + ((drawn * 7 + k * 13) % 360) + ', 60%, ' + ((k * 37) % 100) + '%)';
          context.fillRect((k * 97 + drawn * 5) % 1280, (k * 53) % 720, 48, 36);
        }
        await writer.write(new VideoFrame(canvas, { timestamp: Math.round(began * 1000) }));
        drawn++;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, began + 1000 / data.fps - performance.now())));
      }
      postMessage(drawn);
    };\`], { type: 'text/javascript' })));
  const recorder = new MediaRecorder(new MediaStream([generator, sink.stream.getAudioTracks()[0]]), { mimeType, videoBitsPerSecond: 2_500_000 });
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  recorder.start(1000);
  const drawn = await new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.postMessage({ output: generator.writable, seconds, fps }, [generator.writable]);
  });
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.stop();
  await stopped;
  worker.terminate();
  generator.stop();
  await audio.close();
  const base64 = await new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1]);
    reader.readAsDataURL(new Blob(chunks));
  });
  return { drawn, base64 };
}`;

async function videoFrameTimes(file: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file]);
  return stdout.trim().split('\n').map(Number).filter(Number.isFinite);
}

let browser: Browser | undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-bench-recording-'));
const guard = watchdog('recording', 5 * 60_000, async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function main(): Promise<void> {
  log(`bench:recording: ${loadNote()}`);
  browser = await chromium.launch(await chromiumLaunchOptions());
  const page = await browser.newPage();
  await page.route('https://bench.invalid/', (route) => route.fulfill({ body: '<!doctype html><title>bench</title>', contentType: 'text/html' }));
  await page.goto('https://bench.invalid/');
  const codecs = [];
  for (const mimeType of RECORDING_MIME_TYPES.slice(0, 3)) if (await page.evaluate((type) => MediaRecorder.isTypeSupported(type), mimeType)) codecs.push(mimeType);
  const samples: Record<string, { drawn: number; recorded: number; lastFrame: number }[]> = Object.fromEntries(codecs.map((codec) => [codec, []]));
  for (let round_ = 0; round_ < ROUNDS; round_++) {
    for (const mimeType of codecs) {
      const { drawn, base64 } = await page.evaluate<{ drawn: number; base64: string }>(`(${RECORD})(${JSON.stringify({ mimeType, seconds: SECONDS, fps: FPS })})`);
      const file = path.join(dir, 'take.webm');
      fs.writeFileSync(file, Buffer.from(base64, 'base64'));
      const times = await videoFrameTimes(file);
      const sample = { drawn, recorded: times.length, lastFrame: times.at(-1) ?? 0 };
      samples[mimeType]!.push(sample);
      log(`round ${round_ + 1} ${mimeType}: drawn ${drawn}, in the file ${sample.recorded}, last frame at ${round(sample.lastFrame, 2)} s`);
    }
  }
  await browser.close();
  fs.rmSync(dir, { recursive: true, force: true });
  guard.clear();
  const summary = Object.fromEntries(
    codecs.map((codec) => {
      const runs = samples[codec]!;
      return [codec, { drawn: median(runs.map((r) => r.drawn)), recorded: median(runs.map((r) => r.recorded)), share: round(median(runs.map((r) => r.recorded / r.drawn)), 2), lastFrameS: round(median(runs.map((r) => r.lastFrame)), 2) }];
    }),
  );
  finish('recording', { bench: 'recording', ok: true, seconds: SECONDS, fps: FPS, rounds: ROUNDS, codecs: summary, machine: machine() }, { samples });
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ bench: 'recording', ok: false, error: String(error) }) + '\n');
  exitNow(1);
});
