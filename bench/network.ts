/**
 * bench:network — what real network faults do to a meeting, measured in the network lab
 * (tests/lab: namespaces on a bridge, the real host over HTTPS at 10.77.0.1, Chromium participants
 * each in its own namespace). Per fault: time to media back on every page, freezes (frames not
 * advancing > 500 ms), audio concealment, layers received, RTT. One JSON line per fault, then one
 * summary line last. Needs root on Linux with iproute2 + nftables, and the built web app.
 *
 * Env: BENCH_FAULTS (comma-separated subset of the names below). Bounded to 12 minutes.
 */
import { labAvailability } from '../tests/lab/availability';
import { LabMeeting } from '../tests/lab/LabMeeting';
import {
  addressChange,
  downlinkCap,
  downlinkLoss,
  latencyAndJitter,
  linkDownFor,
  udpBlockedFromStart,
  udpBlockedMidCall,
  type ScenarioResult,
} from '../tests/lab/scenarios';
import { exitNow, finish, loadNote, log, machine, watchdog } from './lib/common';

const LIMIT_MS = 12 * 60_000;

const FAULTS: Record<string, (meeting: LabMeeting) => Promise<ScenarioResult>> = {
  udpBlockedFromStart,
  linkDown: (meeting) => linkDownFor(meeting, 'participant', 10),
  addressChange,
  udpBlockedMidCall,
  loss5pct: (meeting) => downlinkLoss(meeting, 5, 30),
  cap500k: (meeting) => downlinkCap(meeting, 500, 15),
  // The cap scenario with a cap that never binds: what the same four senders and receiver freeze
  // without any network fault (on a 2-core machine, the CPU: see docs/BENCHMARKS.md, nineteenth session).
  capControl: (meeting) => downlinkCap(meeting, 1_000_000, 15),
  hostLinkDown: (meeting) => linkDownFor(meeting, 'host', 10),
  latency30ms: (meeting) => latencyAndJitter(meeting, 15, 5),
  latencyBaseline: (meeting) => latencyAndJitter(meeting, 0, 0),
};

let meeting: LabMeeting | undefined;
const guard = watchdog('network', LIMIT_MS, async () => {
  await meeting?.close();
});

async function main(): Promise<void> {
  const availability = await labAvailability();
  if (!availability.ok) {
    log(`network lab not available: ${availability.reason}`);
    guard.clear();
    process.stdout.write(JSON.stringify({ bench: 'network', ok: false, skipped: availability.reason }) + '\n');
    exitNow(0);
  }
  // The control runs only when asked for (BENCH_FAULTS=cap500k,capControl): it measures the machine.
  const wanted = process.env.BENCH_FAULTS?.split(',').map((s) => s.trim()) ?? Object.keys(FAULTS).filter((name) => name !== 'capControl');
  log(`before: ${loadNote()}`);
  meeting = await LabMeeting.start({ participants: 3 });
  log(`lab up; host at ${meeting.host.baseUrl}`);
  const results: Record<string, ScenarioResult['summary']> = {};
  const details: Record<string, ScenarioResult> = {};
  for (const name of wanted) {
    const scenario = FAULTS[name];
    if (!scenario) throw new Error(`unknown fault ${name}; known: ${Object.keys(FAULTS).join(', ')}`);
    log(`${name}: running`);
    try {
      const result = await scenario(meeting);
      results[name] = result.summary;
      details[name] = result;
      process.stdout.write(JSON.stringify({ fault: name, ...result.summary, participants: result.participants }) + '\n');
    } catch (error) {
      results[name] = { error: (error as Error).message };
      log(`${name}: failed: ${(error as Error).message}`);
    } finally {
      await meeting.leaveAll();
    }
  }
  await meeting.close();
  meeting = undefined;
  guard.clear();
  finish('network', { bench: 'network', ok: true, machine: machine({ note: loadNote() }), results }, { details });
}

main().catch(async (error: unknown) => {
  process.stdout.write(JSON.stringify({ bench: 'network', ok: false, error: (error as Error).message }) + '\n');
  await meeting?.close().catch(() => undefined);
  exitNow(1);
});
