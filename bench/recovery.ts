/**
 * Worker death mid-meeting (issue 10, item 11): three participants send video and audio to each
 * other; a mediasoup worker is SIGKILLed; how long until every participant decodes every other
 * participant's video again? Repeated `ROUNDTABLE_BENCH_KILLS` times (default 10), killing the
 * worker that hosts the room each time. Real host (in process), real workers, @roamhq/wrtc
 * participants; 127.0.0.1 only. Prints per-kill figures and one JSON summary line last.
 *
 *   npm run bench:recovery            (ROUNDTABLE_WORKERS=2 by default: the room moves to the live worker)
 *   ROUNDTABLE_WORKERS=1 npm run bench:recovery   (the room waits for the replacement worker)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Host } from '../electron/host/Host';
import { createLogger } from '../electron/host/logger';
import { Conference } from '../renderer/src/conference';
import { countFrames, installWrtcGlobals, syntheticMedia, type SyntheticMedia } from '../tests/support/wrtc';
import { finish, loadNote, log, machine, percentile, round, sleep, watchdog } from './lib/common';

installWrtcGlobals();

const KILLS = Number(process.env.ROUNDTABLE_BENCH_KILLS ?? 10);
const WORKERS = Number(process.env.ROUNDTABLE_WORKERS ?? 2);
const PEERS = 3;
const RECOVERY_LIMIT_MS = 20_000;

interface Participant {
  name: string;
  conference: Conference;
  media: SyntheticMedia;
}

/**
 * Resolves true once every participant decodes fresh frames (2, counted from when its stream
 * appeared) of every other participant's camera. All pairs are watched at once: checking them one
 * after the other would add each pair's frame interval to the figure.
 */
async function allVideoFlowing(participants: Participant[], deadline: number, stale = new Set<MediaStreamTrack>()): Promise<boolean> {
  const counters = new Map<string, { track: MediaStreamTrack; counter: ReturnType<typeof countFrames> }>();
  try {
    while (Date.now() < deadline) {
      let ready = true;
      for (const viewer of participants) {
        for (const sender of participants) {
          if (sender === viewer) continue;
          const key = `${viewer.name}<${sender.name}`;
          const stream = viewer.conference.state === 'connected' ? viewer.conference.participants.get(sender.conference.peerId ?? '')?.streamFor('camera') : undefined;
          const track = stream?.stream.getVideoTracks()[0];
          const watched = counters.get(key);
          if (!track || track.readyState !== 'live' || stale.has(track)) {
            ready = false;
            continue;
          }
          if (watched?.track !== track) {
            watched?.counter.stop();
            counters.set(key, { track, counter: countFrames(track) });
            ready = false;
          } else if (watched.counter.frames < 2) ready = false;
        }
      }
      if (ready) return true;
      await sleep(10);
    }
    return false;
  } finally {
    for (const { counter } of counters.values()) counter.stop();
  }
}

async function main(): Promise<void> {
  const host = await Host.start(
    {
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      httpPort: 0,
      rtcPort: 0,
      workers: WORKERS,
      tls: false,
      discovery: false,
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-recovery-')),
    },
    { logger: createLogger(process.env.ROUNDTABLE_LOG_LEVEL ?? 'silent') },
  );
  const participants: Participant[] = [];
  const guard = watchdog('recovery', 8 * 60_000, async () => {
    for (const p of participants) p.media.stop();
    await host.stop();
  });
  for (let i = 0; i < PEERS; i++) {
    const conference = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    const media = syntheticMedia({ width: 320, height: 240, fps: 15 });
    await conference.join({ roomId: 'recovery', displayName: `P${i}` });
    await conference.produceTrack(media.video, 'camera');
    await conference.produceTrack(media.audio, 'mic');
    participants.push({ name: `P${i}`, conference, media });
  }
  if (!(await allVideoFlowing(participants, Date.now() + RECOVERY_LIMIT_MS))) throw new Error('the meeting never formed');
  log(`meeting formed: ${PEERS} participants, ${WORKERS} worker(s); ${loadNote()}`);

  const recoveries: number[] = [];
  let failures = 0;
  for (let kill = 1; kill <= KILLS; kill++) {
    const room = host.rooms.get('recovery');
    if (!room) throw new Error('room gone');
    const pid = room.slot.worker.pid;
    // Frames must come from the new consumers: the tracks of before the kill do not count.
    const stale = new Set(participants.flatMap((p) => [...p.conference.participants.values()].flatMap((r) => [...r.streams.values()].flatMap((s) => s.stream.getTracks()))));
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const ok = await allVideoFlowing(participants, killedAt + RECOVERY_LIMIT_MS, stale);
    const ms = Date.now() - killedAt;
    if (ok) recoveries.push(ms);
    else failures++;
    log(`kill ${kill}/${KILLS} (worker pid ${pid}): media back on every participant after ${ok ? `${ms} ms` : `NOT within ${RECOVERY_LIMIT_MS} ms`}`);
    // Let the pool replace the dead worker before the next kill.
    const deadline = Date.now() + 10_000;
    while (host.pool.slots.some((slot) => !slot.alive) && Date.now() < deadline) await sleep(50);
    await sleep(1_000);
  }
  guard.clear();
  for (const p of participants) {
    p.media.stop();
    await p.conference.leave();
  }
  await host.stop();
  finish('recovery', {
    bench: 'recovery',
    ok: failures === 0,
    workers: WORKERS,
    participants: PEERS,
    kills: KILLS,
    failures,
    recoveryMs: { p50: percentile(recoveries, 50), p95: percentile(recoveries, 95), min: Math.min(...recoveries), max: Math.max(...recoveries) },
    load: round(os.loadavg()[0]!, 2),
    machine: machine(),
  }, { recoveries });
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ bench: 'recovery', ok: false, error: error instanceof Error ? error.message : String(error) }) + '\n');
  process.exit(1);
});
