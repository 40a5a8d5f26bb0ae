import { afterAll, describe, expect, it } from 'vitest';
import type { Conference } from '../../renderer/src/conference';
import { installWrtcGlobals } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { MeetingKit, roomOf, servedAmong, watchLeaves } from './clusterTestKit';
import type { HostProcess } from './hostProcess';
import { TestCluster } from './testCluster';
import { SPANNING_ENV, spanOf, useSpanningPair } from './spanningPair';

installWrtcGlobals();

/** The video track `viewer` shows for `peerId`'s camera (a new one once that camera's stream came back). */
const cameraOf = (viewer: Conference, peerId: string) => viewer.participants.get(peerId)?.streamFor('camera')?.stream.getVideoTracks()[0];

/**
 * One meeting spanning two nodes (ROUNDTABLE_CLUSTER_SPAN): each participant's transports on the
 * node it connected to, producers piped between the nodes over PipeTransports (SRTP, RTX). Real
 * redis-server, real host processes, Node WebRTC clients decoding each other's video.
 */
describe('a meeting spanning two nodes', () => {
  const pair = useSpanningPair('span');
  const { kit } = pair;

  it('participants on different nodes see each other, decode each other, chat; a leave propagates and leaves nothing behind', async () => {
    const ann = await kit.join(pair.a.url, 'spanned', 'Ann');
    const ben = await kit.join(pair.b.url, 'spanned', 'Ben');
    // Each served by the node it connected to.
    expect(roomOf(await pair.a.health(), 'spanned')?.peers).toBe(1);
    expect(roomOf(await pair.b.health(), 'spanned')?.peers).toBe(1);
    expect(spanOf(await pair.b.health(), 'spanned')?.home).toBe('span-a');

    await waitFor(() => ann.participants.get(ben.peerId!)?.displayName === 'Ben' && ben.participants.get(ann.peerId!)?.displayName === 'Ann', 'each listed on the other node', 10_000);
    await kit.send(ann);
    await kit.send(ben);
    await kit.decodes(ben, () => ann.peerId, 'Ben (node b) decodes Ann (node a)');
    await kit.decodes(ann, () => ben.peerId, 'Ann (node a) decodes Ben (node b)');
    const audioFrom = (viewer: typeof ann, id: string) => viewer.participants.get(id)?.streamFor('mic')?.stream.getAudioTracks()[0]?.readyState;
    expect(audioFrom(ben, ann.peerId!)).toBe('live');
    expect(audioFrom(ann, ben.peerId!)).toBe('live');
    const [spanA, spanB] = [spanOf(await pair.a.health(), 'spanned')!, spanOf(await pair.b.health(), 'spanned')!];
    expect(spanA.pipes).toMatchObject({ inbound: 1, outbound: 1, pipedIn: 2, pipedOut: 2 });
    expect(spanB.pipes).toMatchObject({ inbound: 1, outbound: 1, pipedIn: 2, pipedOut: 2 });

    await ann.sendChat('hello from node a');
    await waitFor(() => ben.chatHistory.some((m) => m.text === 'hello from node a' && m.peerId === ann.peerId), 'chat crosses nodes', 5_000);
    await ben.setHandRaised(true);
    await waitFor(() => ann.participants.get(ben.peerId!)?.handRaised === true, 'raised hand crosses nodes', 5_000);

    // A third participant on node b gets the roster and media of node a in its join.
    const cid = await kit.join(pair.b.url, 'spanned', 'Cid');
    expect(cid.participants.get(ann.peerId!)?.displayName).toBe('Ann');
    await kit.decodes(cid, () => ann.peerId, 'Cid (node b) decodes Ann (node a)');

    const benId = ben.peerId!;
    await ben.leave();
    await cid.leave();
    await waitFor(() => !ann.participants.has(benId), 'Ben\'s leave reaches node a', 5_000);
    // Node a forgets Ben's piped producers at once; node b's copy of the meeting closes once idle, and node a its pipes to it.
    await waitFor(async () => spanOf(await pair.a.health(), 'spanned')?.pipes.pipedIn === 0, 'piped producers closed on node a', 5_000);
    await waitFor(async () => !roomOf(await pair.b.health(), 'spanned'), 'node b closes its idle copy of the meeting', 10_000);
    await waitFor(async () => {
      const span = spanOf(await pair.a.health(), 'spanned');
      return span?.remotePeers === 0 && span.pipes.inbound === 0 && span.pipes.outbound === 0 && span.pipes.pipedOut === 0;
    }, 'node a closes its pipes to node b', 10_000);
    expect(spanOf(await pair.b.health(), 'spanned')).toBeUndefined();
    expect(ann.participants.size).toBe(0);
    expect(ann.state).toBe('connected');
  }, 120_000);

  it('a private message reaches only its recipient on the other node, and no chat history', async () => {
    const ann = await kit.join(pair.a.url, 'whispers', 'Ann');
    const [, other] = await pair.servedBy('whispers');
    const ben = await kit.join(other.url, 'whispers', 'Ben');
    const cid = await kit.join(other.url, 'whispers', 'Cid');
    expect(roomOf(await other.health(), 'whispers')?.peers).toBe(2);
    await waitFor(() => ann.participants.has(ben.peerId!) && ann.participants.has(cid.peerId!) && ben.participants.has(ann.peerId!), 'everyone listed across nodes', 10_000);

    const sent = await ann.privateMessages.send(ben.peerId!, 'for Ben only');
    expect(sent.toDisplayName).toBe('Ben');
    await waitFor(() => ben.privateMessages.list.some((m) => m.text === 'for Ben only' && m.peerId === ann.peerId && !m.local), 'Ben gets the private message from the other node', 5_000);
    await ben.privateMessages.send(ann.peerId!, 'for Ann only');
    await waitFor(() => ann.privateMessages.list.some((m) => m.text === 'for Ann only' && m.peerId === ben.peerId && !m.local), 'the reply crosses back', 5_000);
    // A public message sent after both: once Cid has it, Cid would have had the private ones too.
    await ann.sendChat('public');
    await waitFor(() => cid.chatHistory.some((m) => m.text === 'public'), 'the public message reaches Cid', 5_000);
    expect(cid.privateMessages.list).toHaveLength(0);
    // Not kept as chat on either node: a late joiner on each sees only the public message.
    for (const node of [pair.a, other]) {
      const late = await kit.join(node.url, 'whispers', 'Late');
      expect(late.chatHistory.map((m) => m.text)).toEqual(['public']);
      await late.leave();
    }
    // A recipient that left is refused, not silently lost.
    const cidId = cid.peerId!;
    await cid.leave();
    await waitFor(() => !ann.participants.has(cidId), 'Cid\'s leave reaches node a', 5_000);
    await expect(ann.privateMessages.send(cidId, 'too late')).rejects.toThrow(/no such participant|no longer/);
  }, 120_000);

  it('the home keeps the authority: host controls reach a participant on the other node, and a locked meeting admits nobody there', async () => {
    const hana = await kit.join(pair.a.url, 'controlled', 'Hana', pair.a.adminToken);
    expect(hana.localParticipant.isHost).toBe(true);
    const [, other] = await pair.servedBy('controlled');
    const ivo = await kit.join(other.url, 'controlled', 'Ivo');
    expect(roomOf(await other.health(), 'controlled')?.peers).toBe(1);
    await kit.send(ivo);
    await kit.decodes(hana, () => ivo.peerId, 'Hana decodes Ivo');
    expect(ivo.participants.get(hana.peerId!)?.isHost).toBe(true);

    await hana.muteParticipant(ivo.peerId!);
    await waitFor(() => hana.participants.get(ivo.peerId!)?.muted === true, 'Ivo muted by the host on the other node', 5_000);
    const stats = (await (await fetch(new URL('/api/rooms/controlled/stats', other.url), { headers: { authorization: `Bearer ${other.adminToken}` } })).json()) as {
      participants: { producers: { source: string; paused: boolean }[] }[];
    };
    expect(stats.participants[0]?.producers.find((p) => p.source === 'mic')?.paused).toBe(true);

    await hana.setLocked(true);
    await expect(kit.join(other.url, 'controlled', 'Late')).rejects.toThrow();
    expect(roomOf(await other.health(), 'controlled')?.peers).toBe(1);

    const ivoId = ivo.peerId!;
    await hana.removeParticipant(ivoId);
    await waitFor(() => !hana.participants.has(ivoId), 'Ivo removed across nodes', 5_000);
    await waitFor(async () => !roomOf(await other.health(), 'controlled')?.peers, 'the other node no longer serves Ivo', 5_000);
  }, 120_000);

  it('the waiting room on a satellite: the knock waits on the home, the host admits it and it joins where it connected, a denial and a withdrawal reach the home', async () => {
    const hana = await kit.join(pair.a.url, 'knocking', 'Hana', pair.a.adminToken);
    const [, other] = await pair.servedBy('knocking');
    await hana.waitingRoom.setEnabled(true);
    const knocks: string[] = [];
    hana.waitingRoom.on('knock', (entry) => knocks.push(entry.displayName));

    const ivo = kit.joining(other.url, 'knocking', 'Ivo');
    await waitFor(() => ivo.conference.state === 'waiting' && hana.waitingRoom.entries.length === 1, 'Ivo waits and the host sees his knock', 15_000);
    expect(knocks).toEqual(['Ivo']);
    expect(ivo.conference.participants.size).toBe(0);
    await hana.waitingRoom.admit(hana.waitingRoom.entries[0]!.id);
    await ivo.joined;
    // Served by the node it connected to, not sent to the home.
    expect(roomOf(await other.health(), 'knocking')?.peers).toBe(1);
    await kit.send(ivo.conference);
    await kit.decodes(hana, () => ivo.conference.peerId, 'Hana decodes Ivo, let in on the other node');
    await waitFor(() => hana.waitingRoom.entries.length === 0, 'the waiting list is empty again', 5_000);

    const jo = kit.joining(other.url, 'knocking', 'Jo');
    const refused = jo.joined.then(() => undefined, (error: unknown) => error);
    await waitFor(() => hana.waitingRoom.entries.length === 1, 'Jo\'s knock', 10_000);
    await hana.waitingRoom.deny(hana.waitingRoom.entries[0]!.id);
    expect(await refused).toMatchObject({ code: 'denied', message: 'The host did not let you in' });

    const kay = kit.joining(other.url, 'knocking', 'Kay');
    const cancelled = kay.joined.then(() => undefined, (error: unknown) => error);
    await waitFor(() => kay.conference.state === 'waiting' && hana.waitingRoom.entries.length === 1, 'Kay waits', 10_000);
    await kay.conference.leave();
    await cancelled;
    await waitFor(() => hana.waitingRoom.entries.length === 0, 'Kay\'s knock leaves the home\'s list when she leaves the other node', 5_000);
    expect(roomOf(await other.health(), 'knocking')?.peers).toBe(1);
    expect(knocks).toEqual(['Ivo', 'Jo', 'Kay']);
  }, 120_000);

  it('the home dies: the other node becomes the meeting\'s home, its participants keep their media, the others resume there as themselves', async () => {
    const ann = await kit.join(pair.a.url, 'surviving', 'Ann');
    const [home, other] = await pair.servedBy('surviving');
    const ben = await kit.join(other.url, 'surviving', 'Ben');
    await kit.send(ann);
    await kit.send(ben);
    await kit.decodes(ben, () => ann.peerId, 'Ben decodes Ann');
    await kit.decodes(ann, () => ben.peerId, 'Ann decodes Ben');
    const before = { ann: ann.peerId, ben: ben.peerId };
    const annLeft = watchLeaves(ben);
    const annCamera = cameraOf(ben, before.ann!);

    await home.kill('SIGKILL');
    const killedAt = Date.now();
    // Ann resumes on the other node with the token her dead node issued: the same participant (same tile), not a newcomer.
    await kit.decodes(ben, () => (cameraOf(ben, before.ann!) !== annCamera ? before.ann : undefined), 'Ben sees Ann again', 30_000);
    await kit.decodes(ann, () => ben.peerId, 'Ann sees Ben again', 30_000);
    const mediaBackMs = Date.now() - killedAt;
    console.info(`cluster span failover: media back ${mediaBackMs} ms after the home's SIGKILL`);
    expect(mediaBackMs).toBeLessThanOrEqual(10_000);
    // Ben never left node b; Ann never left the meeting.
    expect(ben.peerId).toBe(before.ben);
    expect(ann.peerId).toBe(before.ann);
    expect(annLeft).toEqual([]);
    expect(ben.participants.size).toBe(1);
    expect(ben.participants.get(before.ann!)?.reconnecting).toBeFalsy();
    expect(roomOf(await other.health(), 'surviving')?.peers).toBe(2);
    // Ann may be back before the dead home's record expired; the other node takes the meeting over then.
    await waitFor(async () => spanOf(await other.health(), 'surviving')?.home === null, 'the other node is the meeting\'s home', 10_000);
  }, 120_000);

  it('a satellite dies: its participant resumes on the home as itself', async () => {
    // The previous test killed one node: a fresh one joins the pair.cluster.
    const survivor = pair.cluster.live[0]!;
    const fresh = await pair.cluster.add({ nodeId: 'span-c', env: SPANNING_ENV });
    const ann = await kit.join(survivor.url, 'satellite-lost', 'Ann');
    const [home, other] = await servedAmong('satellite-lost', [survivor, fresh]);
    const ben = await kit.join(other.url, 'satellite-lost', 'Ben');
    expect(spanOf(await other.health(), 'satellite-lost')?.home).toBe(home.nodeId);
    await kit.send(ann);
    await kit.send(ben);
    await kit.decodes(ann, () => ben.peerId, 'Ann decodes Ben');
    await kit.decodes(ben, () => ann.peerId, 'Ben decodes Ann');
    const before = { ann: ann.peerId, ben: ben.peerId };
    const benLeft = watchLeaves(ann);
    const benCamera = cameraOf(ann, before.ben!);

    await other.kill('SIGKILL');
    const killedAt = Date.now();
    await kit.decodes(ann, () => (cameraOf(ann, before.ben!) !== benCamera ? before.ben : undefined), 'Ann sees Ben again', 30_000);
    await kit.decodes(ben, () => ann.peerId, 'Ben sees Ann again', 30_000);
    console.info(`cluster span: a satellite's participant resumed on the home, media back ${Date.now() - killedAt} ms after SIGKILL`);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(10_000);
    expect(ben.peerId).toBe(before.ben);
    expect(ann.peerId).toBe(before.ann);
    expect(benLeft).toEqual([]);
    expect(roomOf(await home.health(), 'satellite-lost')?.peers).toBe(2);
    // Once the dead node's record expired, nothing of it is left in the meeting.
    await waitFor(async () => spanOf(await home.health(), 'satellite-lost')?.remotePeers === 0, 'no participant listed on the dead node', 10_000);
    expect(ann.participants.get(before.ben!)?.reconnecting).toBeFalsy();
  }, 120_000);
});

describe('a mixed cluster (one node without spanning, as during an upgrade)', () => {
  const kit = new MeetingKit();
  let cluster: TestCluster | undefined;

  afterAll(async () => {
    await kit.cleanup();
    await cluster?.stop();
  });

  it('a join reaching the spanning node for a meeting homed on the other is sent there (wrong_node), as without spanning', async () => {
    cluster = await TestCluster.start([{ nodeId: 'old', env: { ROUNDTABLE_CLUSTER_SPAN: 'false' } }, { nodeId: 'new', env: SPANNING_ENV }]);
    const [old, current] = cluster.nodes as [HostProcess, HostProcess];
    const ann = await kit.join(old.url, 'mixed', 'Ann');
    const ben = await kit.join(current.url, 'mixed', 'Ben');
    expect(roomOf(await old.health(), 'mixed')?.peers).toBe(2);
    await kit.send(ann);
    await kit.decodes(ben, () => ann.peerId, 'Ben decodes Ann on the old node');
  }, 120_000);
});

describe('selective forwarding and a graceful stop while a meeting spans nodes', () => {
  // Selective forwarding from 3 participants of the meeting, audio of the 1 most recent speaker.
  const pair = useSpanningPair('stop', { ...SPANNING_ENV, ROUNDTABLE_LAST_N_MIN_PEERS: '3', ROUNDTABLE_LAST_N: '1' });
  const { kit } = pair;

  it('selective forwarding counts the whole meeting: 1 participant here and 2 on the other node are 3', async () => {
    const ann = await kit.join(pair.a.url, 'selective', 'Ann');
    const [here, other] = await pair.servedBy('selective');
    const ben = await kit.join(other.url, 'selective', 'Ben');
    const cid = await kit.join(other.url, 'selective', 'Cid');
    await kit.send(ben);
    await kit.send(cid);
    await kit.decodes(ann, () => ben.peerId, 'Ann decodes Ben');
    await kit.decodes(ann, () => cid.peerId, 'Ann decodes Cid');
    // Both send a tone (speakers); with last-N = 1 only one of them reaches Ann\'s ears, though Ann\'s node serves her alone.
    type Stats = { participants: { consumers: { kind: string; paused: boolean }[] }[] };
    const forwardingAudio = async () => {
      const stats = (await (await fetch(new URL('/api/rooms/selective/stats', here.url), { headers: { authorization: `Bearer ${here.adminToken}` } })).json()) as Stats;
      const audio = stats.participants[0]?.consumers.filter((consumer) => consumer.kind === 'audio') ?? [];
      return { audio: audio.length, forwarding: audio.filter((consumer) => !consumer.paused).length };
    };
    await waitFor(async () => (await forwardingAudio()).audio === 2, 'Ann consumes both mics', 10_000);
    await waitFor(async () => (await forwardingAudio()).forwarding === 1, 'only the last speaker\'s audio forwarded to Ann', 10_000);
    expect(roomOf(await here.health(), 'selective')?.peers).toBe(1);
  }, 120_000);

  it('the home stops: the node serving the meeting too becomes its home, its participant stays, the other moves there', async () => {
    const ann = await kit.join(pair.a.url, 'handed', 'Ann');
    const [home, other] = await pair.servedBy('handed');
    const ben = await kit.join(other.url, 'handed', 'Ben');
    expect(roomOf(await other.health(), 'handed')?.peers).toBe(1);
    await kit.send(ann);
    await kit.send(ben);
    await kit.decodes(ann, () => ben.peerId, 'Ann decodes Ben');
    const before = { ann: ann.peerId, ben: ben.peerId };
    const annLeft = watchLeaves(ben);
    const annCamera = cameraOf(ben, before.ann!);

    await home.stop();
    await kit.decodes(ben, () => (cameraOf(ben, before.ann!) !== annCamera ? before.ann : undefined), 'Ben decodes Ann, moved', 30_000);
    await kit.decodes(ann, () => ben.peerId, 'Ann decodes Ben again', 30_000);
    expect(ben.peerId).toBe(before.ben);
    // Ann moved with her resume token: the same participant for Ben.
    expect(ann.peerId).toBe(before.ann);
    expect(annLeft).toEqual([]);
    const view = await other.health();
    expect(roomOf(view, 'handed')?.peers).toBe(2);
    expect(spanOf(view, 'handed')?.home).toBeNull();
  }, 120_000);
});
