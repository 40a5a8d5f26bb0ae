/**
 * bench:capacity — one host, one room: a few Node-side senders (synthetic 640x360@15 camera with
 * Roundtable's simulcast encodings + Opus mic) and a growing number of receive-only Node clients,
 * ramped until the worker's CPU or the machine's cores saturate (or the step list ends). Per step:
 * consumers, forwarded bitrate, worker CPU %, host RSS, signaling latency p50/p99. The same ramp
 * then runs through a bare-mediasoup server (bench/bare/server.ts: same worker settings, codecs and
 * transport options, no Roundtable code) and the worker CPU per consumer is compared.
 *
 * The load generator (every client, in this process) costs far more CPU than the SFU: on a small
 * machine the cores saturate long before the worker does. The summary says which limit was hit and
 * extrapolates the worker's own ceiling from its CPU per consumer.
 *
 * Env: BENCH_SENDERS (4), BENCH_STEPS (receivers per step, "0,4,8,12,16,20,24"; the first ramp stops at saturation), BENCH_WINDOW_S (10),
 * BENCH_PASSES (2: roundtable, bare, bare, roundtable — drift in machine load cancels; 1: roundtable, bare).
 * Writes docs/capacity-ramp.svg. Prints progress, then one JSON summary line. 127.0.0.1 only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mediaCodecs } from '../electron/host/mediaCodecs';
import { loadClient, type LoadClient, type Stack } from './lib/clients';
import { busyPercent, exitNow, finish, loadNote, log, machine, machineCpu, percentile, processCpuMs, repoRoot, round, sleep, watchdog } from './lib/common';
import type { BenchMediaOptions } from './lib/media';
import { startServerProcess, type ServerHandle, type ServerSample } from './lib/serverProcess';
import { lineChart } from './lib/svg';

const SENDERS = Number(process.env.BENCH_SENDERS ?? 4);
const STEPS = (process.env.BENCH_STEPS ?? '0,4,8,12,16,20,24').split(',').map(Number);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_S ?? 10) * 1000;
const PASSES = Number(process.env.BENCH_PASSES ?? 2);
const SETTLE_MS = 4_000;
const PROBE_INTERVAL_MS = 50;
const LIMIT_MS = 9.5 * 60_000;
/** No new step starts after this (the watchdog at LIMIT_MS is the last resort). */
const STEP_DEADLINE = performance.now() + 8 * 60_000;
/** Re-measurements of disturbed steps, over the whole run. */
let retryBudget = 4;
/**
 * Stop ramping when this bench's own processes (load generator + host + worker) use this share of
 * all cores, when the stream mix stops being the configured one (see Step.clean), or when the
 * worker uses this much of one core. (Other people's jobs on a shared machine do not count: they
 * show up in machineBusyPct − ownCpuPct and are reported.)
 */
const OWN_SATURATED = 88;
const WORKER_SATURATED = 85;
/** Other processes using more than this share of the machine (% of all cores) disturb a step. */
const OTHERS_DISTURB = 20;
const CORES = os.availableParallelism();
const SEND: BenchMediaOptions = { width: 640, height: 360, fps: 15, audio: true, noise: 0.35 };

interface Step {
  stack: Stack;
  pass: number;
  receivers: number;
  peers: number;
  consumers: number;
  forwardedMbps: number;
  receivedMbps: number;
  workerCpuPct: number;
  workerCpuProcPct: number;
  hostRssMiB: number;
  workerRssMiB: number;
  hostCpuPct: number;
  loadGenCpuPct: number;
  machineBusyPct: number;
  /** Load generator + host process + worker, in % of all cores. */
  ownCpuPct: number;
  signalingP50: number;
  signalingP99: number;
  probes: number;
  joinP50: number;
  /** forwardedMbps / consumers. */
  mbpsPerConsumer: number;
  /**
   * The stream mix is still the one configured: senders' ingest within 10 % of the first step and
   * forwarded bitrate per consumer within 20 % of the first step with receivers. When the load
   * generator runs out of CPU, its RTCP and bandwidth estimates lag: senders drop layers, the SFU
   * probes and retransmits, and per-consumer figures stop being comparable.
   */
  clean: boolean;
  /** Other people's jobs took more than OTHERS_DISTURB % of the machine during the window. */
  disturbed: boolean;
}

let server: ServerHandle | undefined;
let clients: LoadClient[] = [];
const cleanup = async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
  await server?.stop().catch(() => undefined);
};
const guard = watchdog('capacity', LIMIT_MS, cleanup);

async function waitForConsumers(expected: number, timeoutMs = 15_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let sample: ServerSample;
  do {
    sample = await server!.sample();
    if (sample.consumers >= expected) return sample.consumers;
    await sleep(250);
  } while (performance.now() < deadline);
  log(`  only ${sample.consumers}/${expected} consumers after ${timeoutMs / 1000} s`);
  return sample.consumers;
}

async function measure(stack: Stack, pass: number, receivers: number, joinTimes: number[]): Promise<Step> {
  const latencies: number[] = [];
  let probing = true;
  const probeLoop = (async () => {
    let i = 0;
    while (probing) {
      const client = clients[i++ % clients.length]!;
      const started = performance.now();
      const ms = await client.probe().catch(() => NaN);
      if (Number.isFinite(ms)) latencies.push(ms);
      await sleep(Math.max(0, PROBE_INTERVAL_MS - (performance.now() - started)));
    }
  })();
  const s0 = await server!.sample();
  const m0 = machineCpu();
  const w0 = processCpuMs(server!.workerPid);
  const h0 = processCpuMs(server!.pid);
  const g0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(WINDOW_MS);
  const s1 = await server!.sample();
  const m1 = machineCpu();
  const w1 = processCpuMs(server!.workerPid);
  const h1 = processCpuMs(server!.pid);
  const g1 = process.cpuUsage(g0);
  const wallMs = performance.now() - t0;
  probing = false;
  await probeLoop;
  const sampleWall = s1.at - s0.at;
  const own = ((g1.user + g1.system) / 1000 + (h1 - h0) + (w1 - w0)) / wallMs;
  return {
    stack,
    pass,
    receivers,
    peers: s1.peers,
    consumers: s1.consumers,
    forwardedMbps: round(((s1.bytesSent - s0.bytesSent) * 8) / (sampleWall * 1000), 2)!,
    receivedMbps: round(((s1.bytesReceived - s0.bytesReceived) * 8) / (sampleWall * 1000), 2)!,
    workerCpuPct: round((100 * (s1.workerCpuMs - s0.workerCpuMs)) / sampleWall, 2)!,
    workerCpuProcPct: round((100 * (w1 - w0)) / wallMs, 1)!,
    hostRssMiB: round(s1.processRssBytes / 2 ** 20, 1)!,
    workerRssMiB: round(s1.workerRssKb / 1024, 1)!,
    hostCpuPct: round((100 * (h1 - h0)) / wallMs, 1)!,
    loadGenCpuPct: round((100 * (g1.user + g1.system)) / 1000 / wallMs, 1)!,
    machineBusyPct: round(busyPercent(m0, m1), 1)!,
    ownCpuPct: round((100 * own) / CORES, 1)!,
    signalingP50: round(percentile(latencies, 50), 2)!,
    signalingP99: round(percentile(latencies, 99), 2)!,
    probes: latencies.length,
    joinP50: round(percentile(joinTimes, 50), 1)!,
    mbpsPerConsumer: round((s1.bytesSent - s0.bytesSent) * 8 / (sampleWall * 1000) / Math.max(1, s1.consumers), 4)!,
    clean: true,
    disturbed: false,
  };
}

/** One ramp through one stack. `steps` fixed (second stack) or open (stops at saturation). */
async function ramp(stack: Stack, pass: number, steps: number[], stopAtSaturation: boolean): Promise<{ steps: Step[]; limit: string }> {
  server = stack === 'roundtable' ? await startServerProcess('servers/roundtable.ts') : await startServerProcess('bare/server.ts', { mediaCodecs });
  log(`${stack} (pass ${pass}): server ${server.baseUrl}, worker pid ${server.workerPid}`);
  const roomId = `capacity-${pass}`;
  const results: Step[] = [];
  let limit = 'end of step list';
  try {
    for (let i = 0; i < SENDERS; i++) clients.push(await loadClient({ stack, url: server.baseUrl, roomId, name: `sender-${i}`, send: SEND }));
    let receivers = 0;
    for (const target of steps) {
      if (performance.now() > STEP_DEADLINE) {
        limit = 'time budget of the bench (8 min) reached';
        log(`  time budget reached; no more steps`);
        break;
      }
      const joinTimes: number[] = [];
      while (receivers < target) {
        const client = await loadClient({ stack, url: server.baseUrl, roomId, name: `receiver-${receivers}` });
        clients.push(client);
        joinTimes.push(client.joinMs);
        receivers++;
      }
      const peers = SENDERS + receivers;
      await waitForConsumers(SENDERS * 2 * (peers - 1));
      await sleep(SETTLE_MS);
      let step = await measure(stack, pass, receivers, joinTimes);
      const first = results[0];
      const reference = results.find((r) => r.receivers > 0);
      const judge = (st: Step) =>
        st.ownCpuPct < OWN_SATURATED &&
        (!first || Math.abs(st.receivedMbps / first.receivedMbps - 1) <= 0.1) &&
        (!reference || Math.abs(st.mbpsPerConsumer / reference.mbpsPerConsumer - 1) <= 0.2);
      step.clean = judge(step);
      // Someone else's job took a big share of the machine: not this bench saturating. Wait, measure again.
      for (let retry = 0; retry < 2 && retryBudget > 0 && step.machineBusyPct - step.ownCpuPct > OTHERS_DISTURB; retry++, retryBudget--) {
        log(`  (other processes used ${(step.machineBusyPct - step.ownCpuPct).toFixed(0)} % of the machine during this step; measuring it again)`);
        await sleep(SETTLE_MS);
        step = await measure(stack, pass, receivers, joinTimes);
        step.clean = judge(step);
      }
      step.disturbed = step.machineBusyPct - step.ownCpuPct > OTHERS_DISTURB;
      results.push(step);
      log(
        `  ${stack} receivers ${String(receivers).padStart(2)}: consumers ${String(step.consumers).padStart(3)}, forwarded ${step.forwardedMbps.toFixed(1)} Mbps, ` +
          `worker CPU ${step.workerCpuPct.toFixed(1)} %, host RSS ${step.hostRssMiB} MiB, signaling p50 ${step.signalingP50} ms p99 ${step.signalingP99} ms, ` +
          `load generator ${step.loadGenCpuPct} %, own ${step.ownCpuPct} % / machine busy ${step.machineBusyPct} % of all cores${step.clean ? '' : ' — saturated'}${step.disturbed ? ' (DISTURBED by other processes)' : ''}`,
      );
      if (stopAtSaturation && !step.clean && !step.disturbed) {
        limit =
          step.ownCpuPct >= OWN_SATURATED
            ? `cores saturated by the bench's own processes (${step.ownCpuPct} % of ${CORES} cores; load generator ${step.loadGenCpuPct} % of one core)`
            : `load generator saturated: the stream mix changed (ingest ${step.receivedMbps} Mbit/s, ${(step.mbpsPerConsumer * 1000).toFixed(0)} kbit/s per consumer; bench processes ${step.ownCpuPct} % of ${CORES} cores, load generator ${step.loadGenCpuPct} % of one core)`;
        break;
      }
      if (stopAtSaturation && step.workerCpuPct >= WORKER_SATURATED) {
        limit = `worker CPU saturated (${step.workerCpuPct} %)`;
        break;
      }
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
    await server.stop();
    server = undefined;
    await sleep(1_000);
  }
  return { steps: results, limit };
}

/** Least-squares slope shared by several groups, each with its own intercept. */
function pooledSlope(groups: [number, number][][]): number {
  let sxy = 0;
  let sxx = 0;
  for (const group of groups) {
    if (group.length < 2) continue;
    const mx = group.reduce((s, [x]) => s + x, 0) / group.length;
    const my = group.reduce((s, [, y]) => s + y, 0) / group.length;
    for (const [x, y] of group) {
      sxy += (x - mx) * (y - my);
      sxx += (x - mx) ** 2;
    }
  }
  return sxx === 0 ? NaN : sxy / sxx;
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

async function main(): Promise<void> {
  log(`bench:capacity — ${SENDERS} senders (${SEND.width}x${SEND.height}@${SEND.fps} + Opus), receivers per step ${STEPS.join(',')}; ${loadNote()}`);
  const loadStart = machine().loadavg;
  const all: Step[] = [];
  const first = await ramp('roundtable', 1, STEPS, true);
  all.push(...first.steps);
  const reached = first.steps.map((s) => s.receivers);
  // The other passes repeat the ramp up to the last step that was clean in the first one (the
  // saturated step has nothing to compare), so the whole bench stays within a few minutes.
  const lastClean = first.steps.filter((s) => s.clean || s.disturbed).at(-1)?.receivers ?? reached.at(-1)!;
  const compared = reached.filter((r) => r <= lastClean);
  const bare = await ramp('bare', 1, compared, false);
  all.push(...bare.steps);
  if (PASSES >= 2) {
    all.push(...(await ramp('bare', 2, compared, false)).steps);
    all.push(...(await ramp('roundtable', 2, compared, false)).steps);
  }
  guard.clear();

  // Compare only where every pass ran the configured stream mix.
  const cleanReceivers = reached.filter((r) => all.filter((s) => s.receivers === r).every((s) => s.clean && !s.disturbed));
  const usable = all.filter((s) => cleanReceivers.includes(s.receivers));
  const byStack = (stack: Stack, steps = usable) => steps.filter((s) => s.stack === stack);
  // ms of worker CPU per second per consumer = slope of (worker CPU % × 10) over consumers, fitted
  // within each pass (each pass may sit at its own level: machine drift) and pooled per stack.
  const passesOf = (stack: Stack) => [...new Set(byStack(stack).map((s) => s.pass))];
  const points = (stack: Stack, pass: number) => byStack(stack).filter((s) => s.pass === pass).map((s) => [s.consumers, s.workerCpuPct * 10] as [number, number]);
  const perConsumer = (stack: Stack) => pooledSlope(passesOf(stack).map((p) => points(stack, p)));
  const rtSlope = perConsumer('roundtable');
  const bareSlope = perConsumer('bare');
  const passSlopes = (stack: Stack) => passesOf(stack).map((p) => slope(points(stack, p)));
  const pairRatios = passSlopes('roundtable').flatMap((r) => passSlopes('bare').map((b) => r / b));
  const topClean = cleanReceivers.at(-1);
  const avg = (steps: Step[], key: keyof Step) => steps.reduce((sum, s) => sum + (s[key] as number), 0) / Math.max(1, steps.length);
  const rtTop = byStack('roundtable').filter((s) => s.receivers === topClean);
  const bareTop = byStack('bare').filter((s) => s.receivers === topClean);
  const ratioAtTop = avg(rtTop, 'workerCpuPct') / avg(bareTop, 'workerCpuPct');
  const perMbps = (steps: Step[]) => avg(steps, 'workerCpuPct') / avg(steps, 'forwardedMbps');
  const ratio = rtSlope / bareSlope;
  // The worker's own ceiling at this stream mix: one core at 100 %, fixed part included.
  const rtFixed = avg(rtTop, 'workerCpuPct') * 10 - rtSlope * avg(rtTop, 'consumers');
  const rtCeiling = Math.floor((1000 - rtFixed) / rtSlope);
  const mbpsPerConsumer = avg(byStack('roundtable').filter((s) => s.receivers > 0), 'mbpsPerConsumer');

  const chart = lineChart({
    title: 'Capacity ramp, one mediasoup worker: Roundtable vs bare mediasoup',
    subtitle: `${SENDERS} senders ${SEND.width}x${SEND.height}@${SEND.fps} simulcast + Opus, receive-only clients added per step · ${new Date().toISOString().slice(0, 10)} · ${machine().cores} cores`,
    xLabel: 'consumers on the worker',
    markers: rtTop[0] && first.steps.some((st) => !st.clean && !st.disturbed) ? [{ x: rtTop[0].consumers, label: `load generator saturates beyond ${rtTop[0].consumers} consumers` }] : [],
    leftLabel: 'CPU %',
    rightLabel: 'forwarded Mbit/s',
    series: [
      ...[1, 2]
        .filter((p) => all.some((s) => s.pass === p))
        .flatMap((p) => [
          { name: `Roundtable worker, % of a core${PASSES > 1 ? ` (pass ${p})` : ''}`, color: p === 1 ? '#1f6feb' : '#6e9ef5', points: all.filter((s) => s.stack === 'roundtable' && s.pass === p).map((s) => [s.consumers, s.workerCpuPct] as [number, number]) },
          { name: `bare worker, % of a core${PASSES > 1 ? ` (pass ${p})` : ''}`, color: p === 1 ? '#d1242f' : '#ec8a90', points: all.filter((s) => s.stack === 'bare' && s.pass === p).map((s) => [s.consumers, s.workerCpuPct] as [number, number]) },
        ]),
      { name: 'Roundtable forwarded Mbit/s', color: '#2da44e', axis: 'right', dashed: true, points: byStack('roundtable', all).filter((s) => s.pass === 1).map((s) => [s.consumers, s.forwardedMbps] as [number, number]) },
      { name: 'all bench processes, % of both cores', color: '#888888', dashed: true, points: byStack('roundtable', all).filter((s) => s.pass === 1).map((s) => [s.consumers, s.ownCpuPct] as [number, number]) },
    ],
  });
  const chartPath = path.join(repoRoot, 'docs', 'capacity-ramp.svg');
  fs.mkdirSync(path.dirname(chartPath), { recursive: true });
  fs.writeFileSync(chartPath, chart);
  log(`chart written to ${path.relative(repoRoot, chartPath)}`);

  const summary = {
    bench: 'capacity',
    ok: Number.isFinite(ratio),
    senders: SENDERS,
    send: SEND,
    stepsReceivers: reached,
    limit: first.limit,
    cleanReceiverSteps: cleanReceivers,
    kbpsPerConsumer: round(mbpsPerConsumer * 1000, 0),
    roundtable: {
      maxConsumersMeasured: Math.max(...byStack('roundtable', all).map((s) => s.consumers)),
      maxCleanConsumers: rtTop[0]?.consumers ?? null,
      workerCpuMsPerSecPerConsumer: round(rtSlope, 3),
      perPassSlopes: passSlopes('roundtable').map((v) => round(v, 3)),
      workerCpuPctPerForwardedMbps: round(perMbps(rtTop), 3),
      topCleanStep: rtTop[0],
      workerCeilingConsumersAt100PctCore: Number.isFinite(rtCeiling) ? rtCeiling : null,
      workerCeilingForwardedMbps: Number.isFinite(rtCeiling) ? round(rtCeiling * mbpsPerConsumer, 0) : null,
    },
    bare: {
      workerCpuMsPerSecPerConsumer: round(bareSlope, 3),
      perPassSlopes: passSlopes('bare').map((v) => round(v, 3)),
      workerCpuPctPerForwardedMbps: round(perMbps(bareTop), 3),
      topCleanStep: bareTop[0],
    },
    /** Other processes' share of the machine during the measurement windows (others' jobs). */
    otherCpuPctMax: round(Math.max(...all.map((s) => s.machineBusyPct - s.ownCpuPct)), 1),
    otherCpuPctMean: round(all.reduce((sum, s) => sum + s.machineBusyPct - s.ownCpuPct, 0) / all.length, 1),
    disturbedSteps: all.filter((s) => s.disturbed).length,
    ratioWorkerCpuPerConsumer: round(ratio, 3),
    /** Ratio of per-pass slopes, every Roundtable pass against every bare pass: the spread is the noise. */
    ratioRangeAcrossPasses: [round(Math.min(...pairRatios), 3), round(Math.max(...pairRatios), 3)],
    ratioAtTopCleanStep: round(ratioAtTop, 3),
    goal: { ratio: 1.05, met: ratio <= 1.05 },
    chart: 'docs/capacity-ramp.svg',
    machine: machine({ loadavgStart: loadStart }),
  };
  finish('capacity', summary, { steps: all });
}

main().catch(async (error: unknown) => {
  log(`bench:capacity failed: ${(error as Error).stack ?? String(error)}`);
  await cleanup();
  guard.clear();
  process.stdout.write(JSON.stringify({ bench: 'capacity', ok: false, error: (error as Error).message }) + '\n');
  exitNow(1);
});
