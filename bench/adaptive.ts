/**
 * bench:adaptive — a viewer (Roundtable's web app in Chromium, 1280x720 window) in a room with 9
 * senders: bytes received per second with adaptive receive on (the app's RemoteVideo → adaptVideo
 * picks the simulcast layer for each small tile) versus every video consumer forced to its highest
 * layers (conference.setPreferredLayers(id, 2, 2)). Goal: adaptive / forced ≤ 0.4.
 *
 * Senders are Node-side SDK clients (wrtc; BENCH_SENDERS_PER_PROCESS per child process, default 3)
 * sending a synthetic 1280x720@BENCH_SENDER_FPS (default 10) camera with Roundtable's 3-layer VP8
 * simulcast (r0 1/4 ≤150 kbps, r1 1/2 ≤500 kbps, r2 full ≤1.2 Mbps; the picture has a noise band so
 * each layer runs near its target). Each sender pauses whatever it is offered (it only sends). The
 * viewer's own camera and mic are stopped after joining: it only receives.
 *
 * Nine 720p encoders plus a Chromium decoding nine streams saturate a 2-core machine; the stall
 * shows up as delay-based bandwidth estimates backing off (senders drop their 720p layer, the
 * host's estimate towards the viewer stops growing). So senders send video only by default
 * (BENCH_SENDER_AUDIO=1 adds their Opus mics, ~0.2 core more), the run logs what each sender's
 * WebRTC stack says limits it, and the summary carries, next to the measured ratio, a modelled one:
 * adaptive video against the sum of every sender's top layer as the host received it before forcing.
 *
 * Env: BENCH_SENDERS (9), BENCH_SENDER_FPS (10), BENCH_SENDER_AUDIO (0), BENCH_WINDOW_S (10).
 * Prints progress, then one JSON summary line. 127.0.0.1 only. Bounded to 8 minutes.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Conference } from '../renderer/src/conference';
import { buildRenderer, removeDir } from './lib/builds';
import { busyPercent, chromiumLaunchOptions, exitNow, finish, loadNote, log, machine, machineCpu, round, sleep, watchdog } from './lib/common';
import { startServerProcess, type ServerHandle } from './lib/serverProcess';

const SENDERS = Number(process.env.BENCH_SENDERS ?? 9);
const SENDER_FPS = Number(process.env.BENCH_SENDER_FPS ?? 10);
const SENDERS_PER_PROCESS = Number(process.env.BENCH_SENDERS_PER_PROCESS ?? 3);
const SENDER_AUDIO = process.env.BENCH_SENDER_AUDIO === '1';
const WINDOW_MS = Number(process.env.BENCH_WINDOW_S ?? 10) * 1000;
const LIMIT_MS = 8 * 60_000;
const VIEWPORT = { width: 1280, height: 720 };
const ROOM = 'adaptive';

interface Layer {
  peer: string;
  from?: string;
  kind: string;
  paused: boolean;
  current: number | null;
  preferred: number | null;
}

let browser: Browser | undefined;
let server: ServerHandle | undefined;
let webRoot: string | undefined;
const senderProcesses: ServerHandle[] = [];
const cleanup = async () => {
  await browser?.close().catch(() => undefined);
  await Promise.all(senderProcesses.map((p) => p.stop().catch(() => undefined)));
  await server?.stop().catch(() => undefined);
  removeDir(webRoot);
};
const guard = watchdog('adaptive', LIMIT_MS, cleanup);

type Hooked = { __roundtable?: { conference: Conference } };

/** inbound-rtp byte totals on the viewer's receive transport. */
async function inbound(page: Page): Promise<{ video: number; audio: number; at: number; widths: number[] }> {
  return page.evaluate(async () => {
    const recv = (window as unknown as Hooked).__roundtable?.conference.transports.recv;
    const report = recv ? await recv.getStats() : new Map();
    let video = 0;
    let audio = 0;
    const widths: number[] = [];
    report.forEach((s: { type: string; kind?: string; bytesReceived?: number; frameWidth?: number }) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') {
        video += s.bytesReceived ?? 0;
        if (s.frameWidth) widths.push(s.frameWidth);
      } else audio += s.bytesReceived ?? 0;
    });
    return { video, audio, at: performance.now(), widths };
  });
}

async function viewerLayers(): Promise<Layer[]> {
  const all = await server!.command<Layer[]>('consumerLayers');
  return all.filter((c) => c.peer === 'Viewer' && c.kind === 'video');
}

/** Waits until `test` holds, or until the layers have not changed for `stableMs` (after `minMs`), or `timeoutMs`. */
async function waitForLayers(test: (layers: Layer[]) => boolean, timeoutMs: number, stableMs = 12_000, minMs = 15_000): Promise<{ layers: Layer[]; ms: number; ok: boolean }> {
  const started = performance.now();
  let layers: Layer[] = [];
  let last = '';
  let changedAt = started;
  while (performance.now() - started < timeoutMs) {
    layers = await viewerLayers();
    if (layers.length === SENDERS && test(layers)) return { layers, ms: performance.now() - started, ok: true };
    const now = performance.now();
    const key = layers.map((l) => l.current).join(',');
    if (key !== last) {
      last = key;
      changedAt = now;
    } else if (now - started >= minMs && now - changedAt >= stableMs) break;
    await sleep(500);
  }
  return { layers, ms: performance.now() - started, ok: false };
}

async function window_(page: Page, label: string) {
  const m0 = machineCpu();
  const a = await inbound(page);
  await sleep(WINDOW_MS);
  const b = await inbound(page);
  const machineBusyPct = round(busyPercent(m0, machineCpu()), 0)!;
  const seconds = (b.at - a.at) / 1000;
  const result = {
    videoBytesPerSec: round((b.video - a.video) / seconds, 0)!,
    audioBytesPerSec: round((b.audio - a.audio) / seconds, 0)!,
    totalBytesPerSec: round((b.video - a.video + b.audio - a.audio) / seconds, 0)!,
    decodedWidths: b.widths.sort((x, y) => x - y),
    machineBusyPct,
  };
  log(`${label}: ${(result.totalBytesPerSec * 8e-6).toFixed(2)} Mbit/s received (video ${(result.videoBytesPerSec * 8e-6).toFixed(2)}, audio ${(result.audioBytesPerSec * 8e-6).toFixed(3)}); decoded widths ${result.decodedWidths.join(',')}; machine ${machineBusyPct} % busy`);
  return result;
}

const layerCount = (layers: Layer[]) => layers.reduce<Record<string, number>>((acc, l) => ((acc[String(l.current)] = (acc[String(l.current)] ?? 0) + 1), acc), {});

async function main(): Promise<void> {
  log(`bench:adaptive — ${SENDERS} senders 1280x720@${SENDER_FPS} simulcast${SENDER_AUDIO ? ' + Opus' : ' (video only)'}, one Chromium viewer ${VIEWPORT.width}x${VIEWPORT.height}; ${loadNote()}`);
  const loadStart = machine().loadavg;
  webRoot = await buildRenderer();
  server = await startServerProcess('servers/roundtable.ts', { webRoot });
  log(`roundtable host ${server.baseUrl}`);

  // Senders in a few processes (see bench/servers/senders.ts), joined one process after another.
  for (let first = 0; first < SENDERS; first += SENDERS_PER_PROCESS) {
    const names = Array.from({ length: Math.min(SENDERS_PER_PROCESS, SENDERS - first) }, (_, i) => `Sender ${first + i + 1}`);
    senderProcesses.push(
      await startServerProcess('servers/senders.ts', { url: server.baseUrl, roomId: ROOM, names, width: 1280, height: 720, fps: SENDER_FPS, noise: 0.35, audio: SENDER_AUDIO }, 60_000),
    );
  }
  log(`${SENDERS} senders joined`);

  const launch = await chromiumLaunchOptions();
  browser = await chromium.launch({ executablePath: launch.executablePath, args: launch.args, headless: true });
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: VIEWPORT });
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  await page.goto(`${server.baseUrl}/?room=${ROOM}&name=Viewer`);
  await page.locator('form.join-form button[type="submit"]').click();
  await page.locator('main.meeting[data-phase="joined"]').waitFor({ timeout: 20_000 });
  // Receive only: stop the viewer's own camera and mic once they have started.
  await page.waitForFunction(() => ((window as unknown as Hooked).__roundtable?.conference.localStreams.size ?? 0) >= 2, undefined, { timeout: 15_000 }).catch(() => undefined);
  await page.evaluate(async () => {
    for (const stream of [...((window as unknown as Hooked).__roundtable?.conference.localStreams ?? [])]) await stream.stop();
  });
  await page.locator('[data-testid="participant-tile"] video').nth(SENDERS - 1).waitFor({ timeout: 20_000 });
  const tile = await page.locator('[data-testid="participant-tile"]').first().boundingBox();
  log(`viewer joined; ${SENDERS} remote tiles of ${tile?.width.toFixed(0)}x${tile?.height.toFixed(0)} px`);

  // Adaptive: the app chose a layer per tile; wait until the host forwards what was asked for.
  const settledAdaptive = await waitForLayers((ls) => ls.every((l) => l.preferred !== null && l.current === l.preferred), 30_000);
  log(`adaptive layers (host view) after ${(settledAdaptive.ms / 1000).toFixed(1)} s: current ${JSON.stringify(layerCount(settledAdaptive.layers))}, preferred ${settledAdaptive.layers.map((l) => l.preferred).join(',')}`);
  await sleep(4_000);
  const adaptive = await window_(page, 'adaptive (small tiles)');
  const adaptiveLayers = await viewerLayers();

  type Outbound = { rid: string; width: number; kbpsTarget: number; limitation: string }[];
  const describeSenders = (stats: Outbound[]) => stats.map((layers) => layers.map((l) => `${l.rid}:${l.width}:${l.limitation}`).join('/')).join('  ');
  const sendersBefore = (await Promise.all(senderProcesses.map((p) => p.command<Outbound[]>('outbound')))).flat();
  log(`senders' own view before forcing (rid:width:limitation): ${describeSenders(sendersBefore)}`);
  type ProducerLayers = { peer: string; layers: { rid: string | null; kbps: number; score: number }[] }[];
  const producersBefore = await server.command<ProducerLayers>('producerLayers');
  log(`senders' layers before forcing, as the host receives them (kbps): ${producersBefore.map((p) => p.layers.map((l) => `${l.rid}:${l.kbps}`).join('/')).join('  ')}`);

  // Forced: every video consumer to its highest spatial and temporal layer.
  await page.evaluate(async () => {
    const conference = (window as unknown as Hooked).__roundtable!.conference;
    for (const participant of conference.participants.values()) {
      for (const [consumerId, stream] of participant.streams) if (stream.consumer.kind === 'video') await conference.setPreferredLayers(consumerId, 2, 2);
    }
  });
  const settledForced = await waitForLayers((ls) => ls.every((l) => l.current === 2), 40_000);
  const producers = await server.command<ProducerLayers>('producerLayers');
  const estimate = await server.command<{ availableOutgoingBitrate: number | null }>('recvEstimate', { peer: 'Viewer' });
  const senderStats = (await Promise.all(senderProcesses.map((p) => p.command<Outbound[]>('outbound')))).flat();
  log(`senders' own view when forced (rid:width:limitation): ${describeSenders(senderStats)}`);
  log(`senders' layers as received by the host (kbps): ${producers.map((p) => p.layers.map((l) => `${l.rid}:${l.kbps}`).join('/')).join('  ')}`);
  log(`host's bandwidth estimate towards the viewer: ${((estimate?.availableOutgoingBitrate ?? 0) / 1e6).toFixed(2)} Mbit/s`);
  // What "every tile at its sender's top layer" costs, from the layers the senders really send
  // (a sender that dropped its 720p layer under CPU pressure cannot be forced to it).
  const topLayerKbps = producers.map((p) => Math.max(0, ...p.layers.map((l) => l.kbps)));
  const r2Kbps = producers.map((p) => p.layers.find((l) => l.rid === 'r2')?.kbps ?? 0);
  log(`forced layers after ${(settledForced.ms / 1000).toFixed(1)} s: current ${JSON.stringify(layerCount(settledForced.layers))}${settledForced.ok ? '' : ' (not all reached layer 2: bandwidth estimate or sender limits)'}`);
  await sleep(3_000);
  const forced = await window_(page, 'forced highest layers');
  const forcedLayers = await viewerLayers();

  const ratio = adaptive.totalBytesPerSec / forced.totalBytesPerSec;
  // If every tile got its sender's top layer as sent before forcing (when the machine was less busy).
  const topBefore = producersBefore.map((p) => Math.max(0, ...p.layers.map((l) => l.kbps)));
  const modelledForcedVideoKbps = topBefore.reduce((a, b) => a + b, 0);
  const modelledRatio = (adaptive.videoBytesPerSec * 8) / 1000 / modelledForcedVideoKbps;
  const videoRatio = adaptive.videoBytesPerSec / forced.videoBytesPerSec;
  const chromiumVersion = browser.version();
  await cleanup();
  guard.clear();
  finish('adaptive', {
    bench: 'adaptive',
    ok: Number.isFinite(ratio),
    senders: SENDERS,
    senderVideo: `1280x720@${SENDER_FPS}, 3-layer VP8 simulcast`,
    tilePx: tile ? `${Math.round(tile.width)}x${Math.round(tile.height)}` : null,
    adaptive: { ...adaptive, layers: layerCount(adaptiveLayers) },
    forced: { ...forced, layers: layerCount(forcedLayers), secondsWaitedForLayers: round(settledForced.ms / 1000, 1), allAtTopLayer: settledForced.ok },
    sendersLayersKbps: producers.map((p) => Object.fromEntries(p.layers.map((l) => [l.rid ?? '-', l.kbps]))),
    sendersWithoutR2: r2Kbps.filter((k) => k === 0).length,
    sendersOwnView: senderStats,
    sumOfTopLayersKbps: topLayerKbps.reduce((a, b) => a + b, 0),
    ratio: round(ratio, 3),
    videoOnlyRatio: round(videoRatio, 3),
    /** Adaptive video vs the sum of every sender's top layer (as sent before forcing): the forced case without this machine's limits. */
    modelledForcedVideoKbps,
    modelledVideoRatio: round(modelledRatio, 3),
    sendersLayersKbpsBeforeForcing: producersBefore.map((p) => Object.fromEntries(p.layers.map((l) => [l.rid ?? '-', l.kbps]))),
    senderAudio: SENDER_AUDIO,
    goal: { ratio: 0.4, met: ratio <= 0.4 },
    machine: machine({ chromium: chromiumVersion, loadavgStart: loadStart }),
  });
}

main().catch(async (error: unknown) => {
  log(`bench:adaptive failed: ${(error as Error).stack ?? String(error)}`);
  await cleanup();
  guard.clear();
  process.stdout.write(JSON.stringify({ bench: 'adaptive', ok: false, error: (error as Error).message }) + '\n');
  exitNow(1);
});
