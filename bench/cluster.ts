/**
 * bench:cluster — a Redis-coordinated cluster on 127.0.0.1: redis-server + 3 headless host
 * processes (one mediasoup worker each). 60 participants in 6 rooms of 10 join through the nodes
 * in turn (room r's k-th participant arrives at node (r + k) % 3, so most are sent on to the
 * meeting's node); rooms are placed by load. Then:
 *   1. the node hosting the most participants is SIGKILLed: time until every participant of its
 *      meetings decodes media again (through another node);
 *   2. redis-server is SIGKILLed and restarted empty: whether any meeting lost media meanwhile,
 *      and how long until every live node and room is registered again;
 *   3. one meeting spanning 2 fresh nodes (ROUNDTABLE_CLUSTER_SPAN; see clusterSpan.ts).
 *
 * Phases 1–2 run meetings per node (ROUNDTABLE_CLUSTER_SPAN=false: joins are sent on to the
 * meeting's node); phase 3 spans.
 *
 * Load sized to a 2-core machine shared with other jobs (all clients live in this one Node
 * process, real WebRTC through @roamhq/wrtc): per room 1 sender (160x120@10 camera + mic) and 9
 * receive-only participants, so 54 receivers decode 1 video + 1 audio each. "Has media" = the
 * video frames decoded on the participant's current receive transport (getStats) grew by ≥ 3.
 *
 * Env: BENCH_ROOMS (6), BENCH_ROOM_SIZE (10), BENCH_NODES (3), BENCH_SPAN_SIZE (10; 0 skips phase 3). Prints progress, one JSON line last.
 */
import { Redis } from 'ioredis';
import { Conference } from '../renderer/src/conference';
import { clusterKeys } from '../electron/host/cluster/keys';
import { installWrtcGlobals, syntheticMedia, type SyntheticMedia } from '../tests/support/wrtc';
import { HostProcess } from '../tests/cluster/hostProcess';
import { RedisServer } from '../tests/cluster/redisServer';
import { spanningRoom } from './clusterSpan';
import { finish, loadNote, log, machine, median, percentile, round, sleep, watchdog } from './lib/common';

installWrtcGlobals();

const ROOMS = Number(process.env.BENCH_ROOMS ?? 6);
const ROOM_SIZE = Number(process.env.BENCH_ROOM_SIZE ?? 10);
const NODES = Number(process.env.BENCH_NODES ?? 3);
const SECRET = 'bench-cluster-secret-0123456789abcdef';
const LIMIT_MS = 9 * 60_000;
const MEDIA_TIMEOUT_MS = 60_000;

interface Participant {
  name: string;
  room: string;
  sender: boolean;
  conference: Conference;
  joinMs: number;
  /** The node the join was sent to (it may have sent the client on to the meeting's node). */
  arrivedAt: string;
}

let redis: RedisServer | undefined;
const nodes: HostProcess[] = [];
const participants: Participant[] = [];
const medias: SyntheticMedia[] = [];

async function cleanup(): Promise<void> {
  for (const media of medias) media.stop();
  await Promise.all(participants.map((p) => p.conference.leave().catch(() => undefined)));
  await Promise.all(nodes.map((node) => node.stop().catch(() => undefined)));
  await redis?.stop();
}

/** Video frames decoded on the participant's current receive transport. */
async function framesDecoded(conference: Conference): Promise<number> {
  const recv = conference.transports.recv;
  if (!recv || recv.closed) return 0;
  try {
    let frames = 0;
    for (const stat of (await recv.getStats()).values()) {
      const s = stat as { type: string; kind?: string; framesDecoded?: number };
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
    }
    return frames;
  } catch {
    return 0;
  }
}

/** Waits until each participant's decoded frames grew by ≥ 3 on a receive transport; returns ms per participant (from `since`). */
async function mediaBack(who: Participant[], since: number, timeoutMs: number): Promise<Map<Participant, number>> {
  const baseline = new Map<Participant, { transport: string | undefined; frames: number }>();
  const done = new Map<Participant, number>();
  const deadline = Date.now() + timeoutMs;
  for (const p of who) baseline.set(p, { transport: p.conference.transports.recv?.id, frames: await framesDecoded(p.conference) });
  while (done.size < who.length && Date.now() < deadline) {
    // All at once: one round must not take longer than the resolution it measures with.
    await Promise.all(
      who.map(async (p) => {
        if (done.has(p) || p.conference.state !== 'connected') return;
        const transport = p.conference.transports.recv?.id;
        // A rejoin brought a new receive transport: its counters start at 0.
        if (transport !== baseline.get(p)!.transport) baseline.set(p, { transport, frames: 0 });
        if ((await framesDecoded(p.conference)) >= baseline.get(p)!.frames + 3) done.set(p, Date.now() - since);
      }),
    );
    await sleep(100);
  }
  return done;
}

async function sampleFrames(who: Participant[]): Promise<Map<Participant, number>> {
  return new Map(await Promise.all(who.map(async (p) => [p, await framesDecoded(p.conference)] as const)));
}

/** Joins that failed and were tried again (once), with their errors: reported, not hidden. */
const joinFailures: string[] = [];

async function join(node: HostProcess, room: string, name: string, sender: boolean): Promise<Participant> {
  let conference = new Conference({ url: node.url, handlerName: 'Chrome111' });
  const startedAt = Date.now();
  try {
    await conference.join({ roomId: room, displayName: name });
  } catch (error) {
    joinFailures.push(`${name} via ${node.nodeId}: ${(error as Error).message}`);
    log(`join failed (${name} via ${node.nodeId}): ${(error as Error).message}; trying once more`);
    for (const dead of nodes.filter((n) => !n.alive)) log(`node down: ${dead.logTail}`);
    conference = new Conference({ url: node.url, handlerName: 'Chrome111' });
    await conference.join({ roomId: room, displayName: name });
  }
  const participant: Participant = { name, room, sender, conference, joinMs: Date.now() - startedAt, arrivedAt: node.nodeId };
  participants.push(participant);
  return participant;
}

async function homes(): Promise<Map<string, string>> {
  const client = new Redis(redis!.url, { maxRetriesPerRequest: 1 });
  try {
    const rooms = Array.from({ length: ROOMS }, (_, i) => `room-${i}`);
    const holders = await client.mget(rooms.map((room) => clusterKeys.room(room)));
    return new Map(rooms.map((room, i) => [room, holders[i] ?? '']));
  } finally {
    client.disconnect();
  }
}

async function main(): Promise<void> {
  const guard = watchdog('cluster', LIMIT_MS, cleanup);
  log(`bench:cluster — ${NODES} nodes, ${ROOMS} rooms × ${ROOM_SIZE} (1 sender each); ${loadNote()}`);
  redis = await RedisServer.start();
  const started = Date.now();
  nodes.push(...(await Promise.all(Array.from({ length: NODES }, (_, i) => HostProcess.start({ nodeId: `node-${i}`, redisUrl: redis!.url, secret: SECRET, env: { ROUNDTABLE_CLUSTER_SPAN: 'false' } })))));
  log(`redis on ${redis.port}; nodes up in ${Date.now() - started} ms: ${nodes.map((n) => `${n.nodeId}=${n.url}`).join(' ')}`);
  for (let waited = 0; waited < 20 && (await nodes[0]!.health()).cluster?.nodes.length !== NODES; waited++) await sleep(500);

  // Rooms opened one after another through the nodes in turn: placement by load decides their home.
  for (let r = 0; r < ROOMS; r++) {
    const sender = await join(nodes[r % NODES]!, `room-${r}`, `sender-${r}`, true);
    const media = syntheticMedia({ width: 160, height: 120, fps: 10 });
    medias.push(media);
    await sender.conference.produceTrack(media.video, 'camera');
    await sender.conference.produceTrack(media.audio, 'mic');
  }
  // Receivers join in waves of one per room; room r's k-th receiver arrives at node (r + k) % NODES,
  // so most joins arrive at a node that does not host the meeting.
  for (let k = 1; k < ROOM_SIZE; k++) {
    await Promise.all(Array.from({ length: ROOMS }, (_, r) => join(nodes[(r + k) % NODES]!, `room-${r}`, `viewer-${r}-${k}`, false)));
  }
  const joinMs = participants.map((p) => p.joinMs);
  const placement = await homes();
  const roomsPerNode = Object.fromEntries(nodes.map((n) => [n.nodeId, [...placement.values()].filter((home) => home === n.nodeId).length]));
  const redirected = participants.filter((p) => placement.get(p.room) !== p.arrivedAt).length;
  log(`joined ${participants.length}: join p50 ${median(joinMs)} ms, p95 ${percentile(joinMs, 95)} ms; rooms per node ${JSON.stringify(roomsPerNode)}`);

  const receivers = participants.filter((p) => !p.sender);
  const initial = await mediaBack(receivers, Date.now(), MEDIA_TIMEOUT_MS);
  log(`receiving media: ${initial.size}/${receivers.length}`);

  // 1. SIGKILL the node hosting the most participants.
  const victim = nodes.reduce((a, b) => (([...placement.values()].filter((h) => h === b.nodeId).length > [...placement.values()].filter((h) => h === a.nodeId).length ? b : a)));
  const victimRooms = [...placement].filter(([, home]) => home === victim.nodeId).map(([room]) => room);
  const affected = receivers.filter((p) => victimRooms.includes(p.room));
  const unaffected = receivers.filter((p) => !victimRooms.includes(p.room));
  log(`SIGKILL ${victim.nodeId} (rooms ${victimRooms.join(', ')}: ${affected.length + victimRooms.length} participants)`);
  const killedAt = Date.now();
  await victim.kill('SIGKILL');
  const back = await mediaBack(affected, killedAt, MEDIA_TIMEOUT_MS);
  const others = await mediaBack(unaffected, Date.now(), 15_000);
  const backMs = [...back.values()];
  // A meeting stays dark when its sender does not come back: say who did not, and where each was trying.
  const victimSenders = participants.filter((p) => p.sender && victimRooms.includes(p.room));
  const sendersBack = victimSenders.filter((p) => p.conference.state === 'connected').length;
  for (const p of [...victimSenders, ...affected.filter((r) => !back.has(r))]) {
    if (p.sender && p.conference.state === 'connected') continue;
    log(`not back: ${p.name} (${p.room}) ${p.conference.state}, connecting to ${(p.conference.socket.io as unknown as { uri: string }).uri}`);
  }
  log(`media back for ${back.size}/${affected.length} affected receivers: p50 ${median(backMs)} ms, max ${Math.max(...backMs)} ms; unaffected still receiving ${others.size}/${unaffected.length}`);
  const afterFailover = await homes();

  // 2. Redis SIGKILLed, 3 s down, restarted empty.
  const live = nodes.filter((n) => n.alive);
  await sleep(1_000);
  await redis.kill();
  const atKill = await sampleFrames(receivers);
  await sleep(3_000);
  const beforeRestart = await sampleFrames(receivers);
  await redis.start();
  const keptDuringOutage = receivers.filter((p) => beforeRestart.get(p)! >= atKill.get(p)! + 3);
  const restartedAt = Date.now();
  let reRegisteredMs: number | null = null;
  for (let i = 0; i < 60; i++) {
    const view = await live[0]!.health().catch(() => undefined);
    const homesNow = await homes().catch(() => new Map<string, string>());
    if (view?.cluster?.nodes.length === live.length && [...homesNow.values()].every((home) => live.some((n) => n.nodeId === home))) {
      reRegisteredMs = Date.now() - restartedAt;
      break;
    }
    await sleep(250);
  }
  const afterRestart = await mediaBack(receivers, Date.now(), 15_000);
  log(`redis restart: ${keptDuringOutage.length}/${receivers.length} kept decoding during the outage, ${afterRestart.size}/${receivers.length} after; re-registered in ${reRegisteredMs} ms`);

  // 3. The first nodes' meetings end; one meeting spans two fresh nodes with spanning on.
  await Promise.all(participants.map((p) => p.conference.leave().catch(() => undefined)));
  await Promise.all(nodes.map((node) => node.stop().catch(() => undefined)));
  const spanSize = Number(process.env.BENCH_SPAN_SIZE ?? 10);
  const spanning = spanSize > 0 ? await spanningRoom({ redisUrl: redis.url, secret: SECRET, size: spanSize, timeoutMs: MEDIA_TIMEOUT_MS }) : null;

  guard.clear();
  const summary = {
    bench: 'cluster',
    ok:
      initial.size === receivers.length &&
      back.size === affected.length &&
      sendersBack === victimSenders.length &&
      keptDuringOutage.length === receivers.length &&
      afterRestart.size === receivers.length &&
      (spanning?.ok ?? true),
    nodes: NODES,
    rooms: ROOMS,
    participants: participants.length,
    senders: ROOMS,
    joinMsP50: median(joinMs),
    joinMsP95: percentile(joinMs, 95),
    joinsSentToAnotherNode: redirected,
    joinFailures,
    roomsPerNode,
    receivingAtStart: initial.size,
    killedNode: victim.nodeId,
    killedNodeParticipants: affected.length + victimRooms.length,
    failoverMediaBackMsP50: round(median(backMs), 0),
    failoverMediaBackMsMax: backMs.length ? Math.max(...backMs) : null,
    failoverReceiversBack: `${back.size}/${affected.length}`,
    failoverSendersBack: `${sendersBack}/${victimSenders.length}`,
    unaffectedKeptMedia: `${others.size}/${unaffected.length}`,
    homesAfterFailover: Object.fromEntries(afterFailover),
    redisOutageMs: 3_000,
    keptMediaDuringRedisOutage: `${keptDuringOutage.length}/${receivers.length}`,
    reRegisteredAfterRedisMs: reRegisteredMs,
    spanning,
    machine: machine(),
  };
  if (!summary.ok) for (const node of nodes) log(`--- ${node.logTail}`);
  await cleanup();
  finish('cluster', summary);
}

main().catch(async (error: unknown) => {
  process.stdout.write(`bench:cluster failed: ${(error as Error).stack ?? String(error)}\n`);
  for (const node of nodes) process.stdout.write(`--- ${node.logTail}\n`);
  await cleanup().catch(() => undefined);
  process.stdout.write(JSON.stringify({ bench: 'cluster', ok: false, error: (error as Error).message }) + '\n');
  process.exit(1);
});
