/**
 * The ceiling under bench:files: how fast bare data channels carry bytes on this machine, with no
 * Roundtable code at all. Two headless Chromium pages (no camera, no signaling server: Playwright
 * relays), 64 KiB messages written while `bufferedAmount` ≤ a high-water mark, timed at the receiver
 * from the first to the last byte.
 *  - `direct`: page ↔ page, one RTCPeerConnection (Chromium's SCTP on both ends, no SFU).
 *  - `sfu`: page → bare mediasoup router (one worker, 127.0.0.1) → page, mediasoup-client.
 * Also samples the worker's CPU (getResourceUsage) and the sender's bufferedAmount.
 * Usage: npm run bench:files-ceiling  (PROBE_MB=100 PROBE_RUNS=3 PROBE_MODES=direct,sfu
 *        PROBE_MESSAGE_KB=64 PROBE_HIGH_KB=4096 PROBE_SCTP_SEND_BUFFER=<bytes>, PROBE_AB=<variants>
 *        (below: SFU variants alternated in one run); one JSON line last)
 */
import { chromium, type Page } from '@playwright/test';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumLaunchOptions, exitNow, finish, loadNote, log, machine, median, repoRoot, round, watchdog } from './lib/common';
import { removeDir } from './lib/builds';

const MB = Number(process.env.PROBE_MB ?? 100);
const RUNS = Number(process.env.PROBE_RUNS ?? 3);
const MODES = (process.env.PROBE_MODES ?? 'direct,sfu').split(',') as ('direct' | 'sfu')[];
const MESSAGE_BYTES = Number(process.env.PROBE_MESSAGE_KB ?? 64) * 1024;
const HIGH = Number(process.env.PROBE_HIGH_KB ?? 4096) * 1024;
// Large enough by default that the SFU drops nothing (it drops what its send buffer toward the receiver cannot take).
const SCTP_SEND_BUFFER = Number(process.env.PROBE_SCTP_SEND_BUFFER ?? 64 * 1024 * 1024);

interface RunResult {
  mode: string;
  mbPerS: number;
  writtenMs: number;
  receivedMs: number;
  waits: number;
  workerCpuPct?: number;
  maxBuffered: number;
}

async function bundle(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-bench-ceiling-'));
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'bench/filesCeiling/page.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    outfile: path.join(outDir, 'probe.js'),
    logLevel: 'warning',
  });
  return outDir;
}

async function openPage(browser: Awaited<ReturnType<typeof chromium.launch>>, script: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('about:blank');
  await page.addScriptTag({ content: script });
  return page;
}

/** A bare SFU for two pages: page 0 sends, page 1 receives. */
async function sfuPair(router: types.Router, sender: Page, receiver: Page, variant: Variant = {}): Promise<types.WebRtcTransport[]> {
  const sendBuffer = variant.sctpBuffer ?? SCTP_SEND_BUFFER;
  const transports = new Map<string, types.WebRtcTransport>();
  const producers: types.DataProducer[] = [];
  for (const page of [sender, receiver]) {
    await page.exposeFunction('probeRpc', async (method: string, data: Record<string, unknown>) => {
      if (method === 'capabilities') return router.rtpCapabilities;
      if (method === 'createTransport') {
        const transport = await router.createWebRtcTransport({
          listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
          enableSctp: true,
          sctpSendBufferSize: sendBuffer,
          sctpPerStreamSendQueueLimit: sendBuffer,
          ...(variant.streams ? { numSctpStreams: { OS: variant.streams, MIS: variant.streams } } : {}),
        });
        transports.set(transport.id, transport);
        return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters, sctpParameters: transport.sctpParameters };
      }
      const transport = transports.get(data.id as string)!;
      if (method === 'connect') return transport.connect({ dtlsParameters: data.dtlsParameters as types.DtlsParameters });
      if (method === 'produceData') {
        const producer = await transport.produceData({ sctpStreamParameters: data.sctpStreamParameters as types.SctpStreamParameters, label: data.label as string, protocol: data.protocol as string });
        producers.push(producer);
        return { id: producer.id };
      }
      throw new Error(`unknown ${method}`);
    });
  }
  await sender.evaluate(() => window.probe.sfuSetup());
  await receiver.evaluate(() => window.probe.sfuSetup());
  const recv = [...transports.values()].at(-1)!;
  for (let i = 0; i < (variant.channels ?? 1); i++) {
    const producerId = await sender.evaluate(() => window.probe.sfuProduce());
    const consumer = await recv.consumeData({ dataProducerId: producerId });
    await receiver.evaluate(
      (options) => window.probe.sfuConsume(options),
      { id: consumer.id, dataProducerId: producerId, sctpStreamParameters: consumer.sctpStreamParameters!, label: consumer.label, protocol: consumer.protocol },
    );
  }
  return [...transports.values()];
}

async function directPair(sender: Page, receiver: Page): Promise<void> {
  const offer = await sender.evaluate(() => window.probe.directOffer());
  const answer = await receiver.evaluate((o) => window.probe.directAnswer(o), offer);
  await sender.evaluate((a) => window.probe.directAccept(a), answer);
}

const cpuMs = (usage: types.WorkerResourceUsage) => usage.ru_utime + usage.ru_stime;

async function measure(mode: string, sender: Page, receiver: Page, worker?: types.Worker, variant: Variant = {}): Promise<RunResult> {
  const bytes = MB * 1024 * 1024;
  await receiver.evaluate(() => window.probe.resetReceived());
  const cpuBefore = worker ? cpuMs(await worker.getResourceUsage()) : 0;
  const wallBefore = Date.now();
  const high = (variant.highKB ?? HIGH / 1024) * 1024;
  const messageBytes = (variant.messageKB ?? MESSAGE_BYTES / 1024) * 1024;
  const sent = await sender.evaluate((args) => window.probe.sendAll(args), { bytes, messageBytes, high, low: high / 4, channels: variant.channels ?? 1 });
  const deadline = Date.now() + 120_000;
  let got = await receiver.evaluate(() => window.probe.received());
  while (got.received < bytes && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    got = await receiver.evaluate(() => window.probe.received());
  }
  if (got.received < bytes) throw new Error(`${mode}: only ${got.received} of ${bytes} bytes arrived`);
  const wallMs = Date.now() - wallBefore;
  const workerCpuPct = worker ? (100 * (cpuMs(await worker.getResourceUsage()) - cpuBefore)) / wallMs : undefined;
  const receivedMs = got.lastAt! - sent.startedAt;
  const result: RunResult = {
    mode,
    mbPerS: round(bytes / 1024 / 1024 / (receivedMs / 1000))!,
    writtenMs: round(sent.writtenAt - sent.startedAt)!,
    receivedMs: round(receivedMs)!,
    waits: sent.waits,
    workerCpuPct: workerCpuPct === undefined ? undefined : round(workerCpuPct)!,
    maxBuffered: Math.max(0, ...sent.buffered.map(([, b]) => b)),
  };
  log(`${mode}: ${MB} MB in ${round(receivedMs / 1000, 2)} s = ${result.mbPerS} MB/s; all written after ${round(result.writtenMs / 1000, 2)} s, ${sent.waits} waits for bufferedamountlow, max bufferedAmount ${round(result.maxBuffered / 1024)} KiB${worker ? `, worker CPU ${result.workerCpuPct}% of a core` : ''}`);
  return result;
}

/**
 * PROBE_AB: SFU variants measured alternately in one run, '|'-separated, each 'key=value,…' with
 * channels (data producers sending round-robin on the one association), sctpBuffer (the SFU's
 * sctpSendBufferSize and per-stream queue limit), streams (numSctpStreams OS/MIS), messageKB, highKB.
 * Example: PROBE_AB='channels=1|channels=4|sctpBuffer=262144'
 */
interface Variant {
  channels?: number;
  sctpBuffer?: number;
  streams?: number;
  messageKB?: number;
  highKB?: number;
}
const VARIANTS: Variant[] | undefined = process.env.PROBE_AB?.split('|').map((spec) =>
  Object.fromEntries(spec.split(',').filter(Boolean).map((pair) => {
    const [key, value] = pair.split('=');
    if (!['channels', 'sctpBuffer', 'streams', 'messageKB', 'highKB'].includes(key!) || !Number.isFinite(Number(value))) throw new Error(`PROBE_AB: bad setting ${pair}`);
    return [key, Number(value)];
  })) as Variant,
);
const nameOf = (variant: Variant) => `sfu[${Object.entries(variant).map(([k, v]) => `${k}=${v}`).join(',') || 'default'}]`;

/** Runs the variants alternately, one page pair each, so they share the machine's load. */
async function measureVariants(variants: Variant[], router: types.Router, worker: types.Worker, browser: Awaited<ReturnType<typeof chromium.launch>>, script: string): Promise<RunResult[]> {
  const pairs: [Page, Page][] = [];
  for (const variant of variants) {
    const pair: [Page, Page] = [await openPage(browser, script), await openPage(browser, script)];
    await sfuPair(router, pair[0], pair[1], variant);
    pairs.push(pair);
  }
  const results: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [v, variant] of variants.entries()) results.push(await measure(nameOf(variant), pairs[v]![0], pairs[v]![1], worker, variant));
  }
  return results;
}

async function main(): Promise<void> {
  log(`files ceiling: ${RUNS} × ${MB} MB, ${MESSAGE_BYTES / 1024} KiB messages, high-water ${HIGH / 1024} KiB, modes ${MODES.join(',')}, SFU sctpSendBufferSize ${SCTP_SEND_BUFFER}; ${loadNote()}`);
  const outDir = await bundle();
  const script = fs.readFileSync(path.join(outDir, 'probe.js'), 'utf8');
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
  const browser = await chromium.launch(await chromiumLaunchOptions());
  const guard = watchdog('files-ceiling', 9 * 60_000, async () => {
    await browser.close();
    worker.close();
  });
  const results: RunResult[] = [];
  try {
    if (VARIANTS) results.push(...(await measureVariants(VARIANTS, router, worker, browser, script)));
    else for (const mode of MODES) {
      const sender = await openPage(browser, script);
      const receiver = await openPage(browser, script);
      if (mode === 'sfu') await sfuPair(router, sender, receiver);
      else await directPair(sender, receiver);
      for (let i = 0; i < RUNS; i++) results.push(await measure(mode, sender, receiver, mode === 'sfu' ? worker : undefined));
      await sender.context().close();
      await receiver.context().close();
    }
  } finally {
    guard.clear();
    await browser.close();
    worker.close();
    removeDir(outDir);
  }
  const summary: Record<string, unknown> = { bench: 'files-ceiling', mb: MB, runs: RUNS, messageKiB: MESSAGE_BYTES / 1024, highKiB: HIGH / 1024, sctpSendBufferSize: SCTP_SEND_BUFFER };
  for (const mode of VARIANTS ? VARIANTS.map(nameOf) : MODES) summary[`${mode}MedianMBps`] = round(median(results.filter((r) => r.mode === mode).map((r) => r.mbPerS)));
  summary.loadavg = machine().loadavg;
  finish('files-ceiling', summary, { machine: machine(), results });
}

main().then(
  () => undefined,
  (error: unknown) => {
    console.error(error);
    process.stdout.write(JSON.stringify({ bench: 'files-ceiling', ok: false, error: String(error) }) + '\n');
    exitNow(1);
  },
);
