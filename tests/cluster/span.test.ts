import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installWrtcGlobals } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { CLUSTER_SECRET, MeetingKit } from './clusterTestKit';
import { HostProcess, type HealthAnswer } from './hostProcess';
import { RedisServer } from './redisServer';

installWrtcGlobals();

const spanning = { ROUNDTABLE_CLUSTER_SPAN: 'true', ROUNDTABLE_ROOM_IDLE_CLOSE_MS: '1500' };
const roomOf = (health: HealthAnswer, roomId: string) => health.rooms.find((room) => room.id === roomId);
const spanOf = (health: HealthAnswer, roomId: string) => health.cluster?.spans?.find((span) => span.roomId === roomId);

/**
 * One meeting spanning two nodes (ROUNDTABLE_CLUSTER_SPAN): each participant's transports on the
 * node it connected to, producers piped between the nodes over PipeTransports (SRTP, RTX). Real
 * redis-server, real host processes, Node WebRTC clients decoding each other's video.
 */
describe('a meeting spanning two nodes', () => {
  let redis: RedisServer;
  let a: HostProcess;
  let b: HostProcess;
  const kit = new MeetingKit();

  beforeAll(async () => {
    redis = await RedisServer.start();
    [a, b] = await Promise.all([
      HostProcess.start({ nodeId: 'span-a', redisUrl: redis.url, secret: CLUSTER_SECRET, env: spanning }),
      HostProcess.start({ nodeId: 'span-b', redisUrl: redis.url, secret: CLUSTER_SECRET, env: spanning }),
    ]);
    await waitFor(async () => (await a.health()).cluster?.nodes.length === 2 && (await b.health()).cluster?.nodes.length === 2, 'both nodes registered', 15_000);
  }, 120_000);
  afterEach(async () => kit.cleanup());
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
  });

  it('participants on different nodes see each other, decode each other, chat; a leave propagates and leaves nothing behind', async () => {
    const ann = await kit.join(a.url, 'spanned', 'Ann');
    const ben = await kit.join(b.url, 'spanned', 'Ben');
    // Each served by the node it connected to.
    expect(roomOf(await a.health(), 'spanned')?.peers).toBe(1);
    expect(roomOf(await b.health(), 'spanned')?.peers).toBe(1);
    expect(spanOf(await b.health(), 'spanned')?.home).toBe('span-a');

    await waitFor(() => ann.participants.get(ben.peerId!)?.displayName === 'Ben' && ben.participants.get(ann.peerId!)?.displayName === 'Ann', 'each listed on the other node', 10_000);
    await kit.send(ann);
    await kit.send(ben);
    await kit.decodes(ben, () => ann.peerId, 'Ben (node b) decodes Ann (node a)');
    await kit.decodes(ann, () => ben.peerId, 'Ann (node a) decodes Ben (node b)');
    const audioFrom = (viewer: typeof ann, id: string) => viewer.participants.get(id)?.streamFor('mic')?.stream.getAudioTracks()[0]?.readyState;
    expect(audioFrom(ben, ann.peerId!)).toBe('live');
    expect(audioFrom(ann, ben.peerId!)).toBe('live');
    const [spanA, spanB] = [spanOf(await a.health(), 'spanned')!, spanOf(await b.health(), 'spanned')!];
    expect(spanA.pipes).toMatchObject({ inbound: 1, outbound: 1, pipedIn: 2, pipedOut: 2 });
    expect(spanB.pipes).toMatchObject({ inbound: 1, outbound: 1, pipedIn: 2, pipedOut: 2 });

    await ann.sendChat('hello from node a');
    await waitFor(() => ben.chatHistory.some((m) => m.text === 'hello from node a' && m.peerId === ann.peerId), 'chat crosses nodes', 5_000);
    await ben.setHandRaised(true);
    await waitFor(() => ann.participants.get(ben.peerId!)?.handRaised === true, 'raised hand crosses nodes', 5_000);

    // A third participant on node b gets the roster and media of node a in its join.
    const cid = await kit.join(b.url, 'spanned', 'Cid');
    expect(cid.participants.get(ann.peerId!)?.displayName).toBe('Ann');
    await kit.decodes(cid, () => ann.peerId, 'Cid (node b) decodes Ann (node a)');

    const benId = ben.peerId!;
    await ben.leave();
    await cid.leave();
    await waitFor(() => !ann.participants.has(benId), 'Ben\'s leave reaches node a', 5_000);
    // Node a forgets Ben's piped producers at once; node b's copy of the meeting closes once idle, and node a its pipes to it.
    await waitFor(async () => spanOf(await a.health(), 'spanned')?.pipes.pipedIn === 0, 'piped producers closed on node a', 5_000);
    await waitFor(async () => !roomOf(await b.health(), 'spanned'), 'node b closes its idle copy of the meeting', 10_000);
    await waitFor(async () => {
      const span = spanOf(await a.health(), 'spanned');
      return span?.remotePeers === 0 && span.pipes.inbound === 0 && span.pipes.outbound === 0 && span.pipes.pipedOut === 0;
    }, 'node a closes its pipes to node b', 10_000);
    expect(spanOf(await b.health(), 'spanned')).toBeUndefined();
    expect(ann.participants.size).toBe(0);
    expect(ann.state).toBe('connected');
  }, 120_000);
});
