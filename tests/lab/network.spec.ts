import os from 'node:os';
import { expect, test } from '@playwright/test';
import { labAvailability } from './availability';
import { addDecoyInterfaces } from './decoyInterfaces';
import { HOST_ADDRESS, Lab, listLabNamespaces, processesIn } from './Lab';
import { LabHost } from './labHost';
import { LabMeeting } from './LabMeeting';
import {
  addressChange,
  downlinkCap,
  downlinkLoss,
  latencyAndJitter,
  linkDownFor,
  udpBlockedFromStart,
  udpBlockedMidCall,
  LabUnmeasurable,
  type ScenarioResult,
} from './scenarios';

/**
 * Issue 11: the app on real network paths (namespaces, a bridge, the real host over HTTPS, Chromium
 * participants) and what real networks do to it. Each test prints its figures as one JSON line.
 */
test.describe.configure({ mode: 'default' });

/**
 * The timing goals. On a quiet machine (CI) set RTLAB_GOALS=1 and they are assertions; on
 * a shared, overloaded one (timings there say more about the load than the app) each is printed
 * as met or MISSED with its figure. Recovery itself (media back at all) is always asserted.
 */
const GOALS_ASSERTED = process.env.RTLAB_GOALS === '1';
function goal(what: string, value: unknown, met: boolean): void {
  const line = `goal ${met ? 'met' : 'MISSED'}: ${what} (measured ${JSON.stringify(value)})`;
  console.log(line);
  test.info().annotations.push({ type: 'goal', description: line });
  if (GOALS_ASSERTED) expect(met, line).toBe(true);
}
const within = (value: unknown, limit: number) => typeof value === 'number' && value <= limit;

test.beforeAll(async () => {
  const availability = await labAvailability();
  if (!availability.ok) console.log(`network lab skipped: ${availability.reason}`);
  test.skip(!availability.ok, availability.ok ? '' : availability.reason);
});

function report(result: ScenarioResult): ScenarioResult {
  // The machine's load beside every figure: on shared cores it sets the timings as much as the app.
  console.log(JSON.stringify({ fault: result.fault, ...result.summary, loadAverage1m: Number(os.loadavg()[0]!.toFixed(1)) }));
  // Per page: what it saw and what its SDK did (state changes and repairs, ms from the window start).
  for (const p of result.participants) console.log(`  ${p.name}: ${JSON.stringify({ mediaBackMs: p.mediaBackMs, freezes: [p.freezeCount, p.freezeTotalMs], states: p.states })}`);
  test.info().annotations.push({ type: 'figures', description: JSON.stringify(result) });
  return result;
}

test('8. the host announces its LAN address, not a Docker bridge, another bridge or a VPN that holds the default route', async () => {
  const lab = await Lab.create({ participants: 0 });
  let host: LabHost | undefined;
  try {
    const holder = await addDecoyInterfaces(lab.host);
    try {
      host = await LabHost.start(lab.host);
      expect(new URL(host.baseUrl).hostname).toBe(HOST_ADDRESS);
    } finally {
      holder.kill('SIGKILL');
    }
    // The stop path's last resort (SIGKILL) must not leave the host running: until 2026-11-30 the
    // pid held was tsx's CLI, whose child (the host) and its mediasoup worker outlived it.
    await host.kill('SIGKILL');
    const deadline = Date.now() + 5_000;
    while (processesIn(lab.host.namespace).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesIn(lab.host.namespace), 'processes left in the host namespace after the host was killed').toEqual([]);
  } finally {
    await host?.stop();
    lab.destroy();
  }
  expect(listLabNamespaces().filter((name) => name.startsWith(lab.id))).toEqual([]);
});

test.describe('three participants on the lab LAN', () => {
  let meeting: LabMeeting | undefined;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    meeting = await LabMeeting.start({ participants: 3 });
  });
  test.afterAll(async () => {
    const leftovers = await meeting?.close();
    expect(leftovers ?? [], 'processes still running in the lab after browsers and host were stopped').toEqual([]);
  });
  test.afterEach(async () => {
    await meeting?.leaveAll();
  });

  test('UDP blocked from the start: the call works over ICE-TCP', async () => {
    const result = report(await udpBlockedFromStart(meeting!));
    expect(result.summary.mediaBackMs, 'media both ways over TCP').not.toBeNull();
  });

  test('1. link down 10 s: media back on every page within 2 s of the link returning; shown as reconnecting, not gone', async () => {
    const result = report(await linkDownFor(meeting!, 'participant', 10));
    expect(result.summary.mediaBackMs, 'media back (ms after the link returned)').not.toBeNull();
    expect(result.summary.faultedSawReconnecting, '"Reconnecting…" shown to the participant').toBe(true);
    goal('media back ≤ 2 s after the link returned', result.summary.mediaBackMs, within(result.summary.mediaBackMs, 2_000));
    goal('the others kept the tile (reconnecting, not gone)', result.summary.othersSawFaultedGone, result.summary.othersSawFaultedGone === false);
  });

  test('2. address change mid-call: media back within 3 s', async () => {
    const result = report(await addressChange(meeting!));
    expect(result.summary.mediaBackMs, 'media back (ms after the change)').not.toBeNull();
    // Its session was resumed on a new connection (ICE restarted from the new address), not rebuilt
    // (whether the silence or a socket error noticed it first): the others saw none of its streams end.
    const [moved, ...others] = result.participants;
    expect(others.flatMap((p) => p.states.filter(([, state, what]) => state === 'stream-' && what.startsWith(moved!.name)))).toEqual([]);
    goal('media back ≤ 3 s after the address change', result.summary.mediaBackMs, within(result.summary.mediaBackMs, 3_000));
  });

  test('3. UDP blocked mid-call: media back within 5 s over ICE-TCP', async () => {
    const result = report(await udpBlockedMidCall(meeting!));
    expect(result.summary.mediaBackMs, 'media back (ms after the block)').not.toBeNull();
    goal('media back ≤ 5 s over ICE-TCP', result.summary.mediaBackMs, within(result.summary.mediaBackMs, 5_000));
  });

  test('4. 5 % downlink loss for 30 s: video keeps playing (freezes ≤ 1 s in total), audio concealment ≤ 3 %', async () => {
    const result = report(await downlinkLoss(meeting!, 5, 30));
    expect(result.summary.audioConcealment, 'audio was received').not.toBeNull();
    expect(result.summary.freezeTotalMs as number, 'video kept playing most of the time').toBeLessThan(15_000);
    goal('total freeze ≤ 1 s', result.summary.freezeTotalMs, within(result.summary.freezeTotalMs, 1_000));
    goal('audio concealment ≤ 3 %', result.summary.audioConcealment, within(result.summary.audioConcealment, 0.03));
  });

  test('5. 500 kbit/s downlink cap, four 720p simulcast senders: lower layers within 3 s, no freeze > 1 s, back up within 10 s', async () => {
    // The scenario gives up on its set-up after 100 s, a join under way included (five 720p joins:
    // 76–191 s on this 2-core machine; after that the host's view of the receiver is too slow to
    // measure anyway); the measurement after it takes ~50 s.
    test.setTimeout(240_000);
    let result: ScenarioResult;
    try {
      result = report(await downlinkCap(meeting!, 500, 15));
    } catch (error) {
      // Four 720p encoders and a 720p receiver need the CPU to exist: on an overloaded machine the
      // receiver never gets all four streams. Said so, visibly, rather than failing on the machine.
      if (!(error instanceof LabUnmeasurable)) throw error;
      const reason = `not measurable here: ${error.message} (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores)`;
      console.log(`behaviour 5 skipped: ${reason}`);
      test.skip(true, reason);
      return;
    }
    if (result.summary.unmeasurable) {
      const reason = `not measurable here: ${String(result.summary.unmeasurable)} (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores)`;
      console.log(`behaviour 5 skipped: ${reason}`);
      test.skip(true, reason);
    }
    // Layers must go down when there is a spatial layer to leave. Four tiles already on the lowest one
    // (180p, ~100 kbit/s each, plus four microphones) are about the cap itself, and a host that keeps
    // them is not wrong (a CI run: all four on layer 2 before the cap, the estimate still 442 kbit/s
    // at the lift, nothing dropped); the goal below still reports when layers came down.
    const spatialToLeave = (result.summary.layersBefore as (number | null)[]).some((layer) => (layer ?? 0) >= 3);
    // What the receiver gets in total must go down; every sender's layer going down is the goal below.
    if (spatialToLeave) expect(result.summary.totalDropMs, 'the layers received (summed) went down under the cap').not.toBeNull();
    else console.log('behaviour 5: every tile was on the lowest spatial layer before the cap; no drop required');
    // The worker's retransmission budget (scripts/mediasoup-worker/source-fixes.mjs): without it the
    // host's resends were 61–87 % of what it sent into the capped link at their peak; with it 11–34 %.
    expect(result.summary.peakRetransmitShare, 'retransmissions stayed a minority of what the host sent under the cap').not.toBeNull();
    expect(result.summary.peakRetransmitShare as number, 'retransmissions stayed a minority of what the host sent under the cap').toBeLessThanOrEqual(0.5);
    // The host's downlink prober (electron/host/room/DownlinkProbe.ts) probes every 3 s while the
    // estimate stays far below what the videos want, so after the lift the estimate was back or the
    // host kept probing (2–4 bursts in the 12 s watched). Without the prober, in 15 runs: the estimate
    // never back, 0 bursts in 14 and 1 in the other (GoogCC's own; docs/BENCHMARKS.md).
    const probedOrBack = (result.summary.probeBurstsAfterLift as number) >= 2 || result.summary.estimateBackMs !== null;
    expect(probedOrBack, `after the cap the host's estimate came back or the host kept probing (${String(result.summary.probeBurstsAfterLift)} bursts)`).toBe(true);
    // What the probes bring: the estimate back at 800 kbit/s 1–12 s after the lift in 8 of 9 runs
    // (without the prober: in none of 15). In the ninth (a CI run) it crept 155 → 395 kbit/s through
    // four probes: GoogCC discards a probe whose packets arrive bunched, so this is a goal.
    goal("the host's estimate of the downlink back at 800 kbit/s after the cap", result.summary.estimateBackMs, result.summary.estimateBackMs !== null);
    // Seen on 2026-11-30 on the merged code: layers went down (8.7 s) but had not come back up when
    // the observation ended (backUpMs null). Known open problem (issue 11 note); a goal until fixed.
    goal('layers came back up after the cap', result.summary.backUpMs, result.summary.backUpMs !== null);
    goal('lower layers within 3 s', result.summary.dropMs, within(result.summary.dropMs, 3_000));
    goal('no freeze > 1 s', result.summary.longestFreezeMs, within(result.summary.longestFreezeMs, 1_000));
    goal('back up within 10 s of the cap lifted', result.summary.backUpMs, within(result.summary.backUpMs, 10_000));
  });

  // Each joiner joins the same room (until 2026-11-30 each joined a room of its own, so nobody
  // ever saw anybody: the "fails through the delay line" of earlier runs was that, not the network).
  test('6. 30 ms RTT ± 10 ms jitter (user-space delay line on the host link): the meeting works', async () => {
    const result = report(await latencyAndJitter(meeting!, 15, 5));
    expect(result.summary.joinToMediaMs, 'every joiner painted everyone already there').not.toContain(null);
    // The browsers' own measurement shows the delay line is on the path (30 ms ± 10 ms, plus scheduling).
    expect(result.summary.rttMs as number, 'RTT the browsers measured').toBeGreaterThanOrEqual(20);
    expect(result.summary.freezeTotalMs as number, 'video kept playing').toBeLessThan(5_000);
    goal('no freeze over 1 s under 30 ms RTT ± 10 ms', result.summary.longestFreezeMs, within(result.summary.longestFreezeMs, 1_000));
  });

  test("7. the host's link down 10 s: every participant has media back within 3 s of it returning", async () => {
    const result = report(await linkDownFor(meeting!, 'host', 10));
    expect(result.summary.mediaBackMs, 'media back (ms after the link returned)').not.toBeNull();
    goal('media back ≤ 3 s after the host link returned', result.summary.mediaBackMs, within(result.summary.mediaBackMs, 3_000));
  });
});
