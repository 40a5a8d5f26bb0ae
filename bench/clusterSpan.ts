/**
 * bench:cluster's last phase: one meeting spanning 2 nodes (ROUNDTABLE_CLUSTER_SPAN). Two fresh
 * nodes on the bench's Redis; ROOM_SIZE participants join the meeting through the two nodes in
 * turn and each is served by the node it reached; the first participant on each node sends
 * (160x120@10 camera + mic), so every participant decodes at least one stream piped between the
 * nodes. Measured: joins, the time until everyone decodes every sender, the roster each sees, the
 * pipes each node holds, and that both nodes hold nothing of the meeting once everyone left.
 */
import { Conference } from '../renderer/src/conference';
import { syntheticMedia, type SyntheticMedia } from '../tests/support/wrtc';
import { HostProcess, type HealthAnswer } from '../tests/cluster/hostProcess';
import { log, median, percentile, sleep } from './lib/common';

const ROOM = 'spanning';

/** Inbound video streams of `conference` that decoded at least `min` frames. */
async function decodingStreams(conference: Conference, min = 3): Promise<number> {
  const recv = conference.transports.recv;
  if (!recv || recv.closed) return 0;
  try {
    let streams = 0;
    for (const stat of (await recv.getStats()).values()) {
      const s = stat as { type: string; kind?: string; framesDecoded?: number };
      if (s.type === 'inbound-rtp' && s.kind === 'video' && (s.framesDecoded ?? 0) >= min) streams++;
    }
    return streams;
  } catch {
    return 0;
  }
}

const spanOf = (health: HealthAnswer) => health.cluster?.spans?.find((span) => span.roomId === ROOM);

export async function spanningRoom(options: { redisUrl: string; secret: string; size: number; timeoutMs: number }) {
  const nodes: HostProcess[] = [];
  const conferences: Conference[] = [];
  const medias: SyntheticMedia[] = [];
  try {
    const env = { ROUNDTABLE_CLUSTER_SPAN: 'true', ROUNDTABLE_ROOM_IDLE_CLOSE_MS: '1000' };
    nodes.push(...(await Promise.all([0, 1].map((i) => HostProcess.start({ nodeId: `span-${i}`, redisUrl: options.redisUrl, secret: options.secret, env })))));
    for (let i = 0; i < 40 && (await nodes[0]!.health()).cluster?.nodes.length !== 2; i++) await sleep(250);
    const joinMs: number[] = [];
    const senders = new Set<Conference>();
    for (let k = 0; k < options.size; k++) {
      const node = nodes[k % 2]!;
      const conference = new Conference({ url: node.url, handlerName: 'Chrome111' });
      const startedAt = Date.now();
      await conference.join({ roomId: ROOM, displayName: `span-${k}` });
      joinMs.push(Date.now() - startedAt);
      conferences.push(conference);
      if (k < 2) {
        const media = syntheticMedia({ width: 160, height: 120, fps: 10 });
        medias.push(media);
        await conference.produceTrack(media.video, 'camera');
        await conference.produceTrack(media.audio, 'mic');
        senders.add(conference);
      }
    }
    const servedPerNode = await Promise.all(nodes.map(async (node) => (await node.health()).rooms.find((room) => room.id === ROOM)?.peers ?? 0));
    log(`spanning room: ${conferences.length} joined (p50 ${median(joinMs)} ms), served per node ${JSON.stringify(servedPerNode)}`);

    // Everyone decodes every sender but itself.
    const startedAt = Date.now();
    const expected = (c: Conference) => (senders.has(c) ? senders.size - 1 : senders.size);
    const done = new Map<Conference, number>();
    while (done.size < conferences.length && Date.now() - startedAt < options.timeoutMs) {
      await Promise.all(conferences.map(async (c) => !done.has(c) && (await decodingStreams(c)) >= expected(c) && done.set(c, Date.now() - startedAt)));
      await sleep(200);
    }
    const rosterComplete = conferences.filter((c) => c.participants.size === conferences.length - 1).length;
    const spans = await Promise.all(nodes.map(async (node) => spanOf(await node.health())));
    log(`spanning room: ${done.size}/${conferences.length} decode every sender (max ${Math.max(0, ...done.values())} ms); full roster ${rosterComplete}/${conferences.length}; pipes ${JSON.stringify(spans.map((s) => s?.pipes))}`);

    await Promise.all(conferences.map((c) => c.leave().catch(() => undefined)));
    let leftClean = false;
    for (let i = 0; i < 40 && !leftClean; i++) {
      await sleep(250);
      const views = await Promise.all(nodes.map((node) => node.health()));
      leftClean = views.every((view) => !view.rooms.some((room) => room.id === ROOM) && !spanOf(view));
    }
    log(`spanning room: after everyone left, both nodes hold nothing of it: ${leftClean}`);
    return {
      ok: done.size === conferences.length && rosterComplete === conferences.length && leftClean && servedPerNode.every((n) => n > 0),
      participants: conferences.length,
      servedPerNode,
      joinMsP50: median(joinMs),
      joinMsP95: percentile(joinMs, 95),
      decodingEverySender: `${done.size}/${conferences.length}`,
      mediaMsMax: done.size ? Math.max(...done.values()) : null,
      rosterComplete: `${rosterComplete}/${conferences.length}`,
      pipes: spans.map((span) => span?.pipes ?? null),
      nothingLeftAfterLeave: leftClean,
    };
  } finally {
    for (const media of medias) media.stop();
    await Promise.all(conferences.map((c) => c.leave().catch(() => undefined)));
    await Promise.all(nodes.map((node) => node.stop().catch(() => undefined)));
  }
}
