import { afterAll, describe, expect, it } from 'vitest';
import type { PeerInfo } from '../../shared/protocol';
import type { RawClient } from '../support/rawClient';
import { installWrtcGlobals } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { MeetingKit, roomOf, watchLeaves } from './clusterTestKit';
import type { HostProcess } from './hostProcess';
import { TestCluster } from './testCluster';
import { SPANNING_ENV, spanOf, useSpanningPair } from './spanningPair';

installWrtcGlobals();

type JoinAck = { ok: true; data: { peerId: string; resumeToken: string; peers: PeerInfo[] } } | { ok: false; error: { code: string; nodeUrl?: string } };

/** A raw join at `client`'s node (router capabilities from its welcome). */
async function rawJoin(client: RawClient, roomId: string, displayName: string, extra: Record<string, unknown> = {}): Promise<JoinAck> {
  const { routerRtpCapabilities } = await client.welcome;
  const ack: JoinAck = await client.request('join', { roomId, displayName, rtpCapabilities: routerRtpCapabilities, ...extra });
  return ack;
}

function joined(ack: JoinAck): { peerId: string; resumeToken: string; peers: PeerInfo[] } {
  if (!ack.ok) throw new Error(`join refused: ${ack.error.code}`);
  return ack.data;
}

let probes = 0;
/**
 * How a join at `url` ends (undefined: let in), a `wrong_node` answer followed to the node it names
 * as the SDK does. Each probe from its own loopback address: wrong passcodes are rate-limited per address.
 */
async function refusal(kit: MeetingKit, url: string, roomId: string, extra: Record<string, unknown>): Promise<string | undefined> {
  const from = `127.0.1.${++probes}`;
  let ack = await rawJoin(await kit.raw(url, from), roomId, 'Probe', extra);
  for (let hop = 0; !ack.ok && ack.error.code === 'wrong_node' && ack.error.nodeUrl && hop < 2; hop++) ack = await rawJoin(await kit.raw(ack.error.nodeUrl, from), roomId, 'Probe', extra);
  return ack.ok ? undefined : ack.error.code;
}

/**
 * Who may enter a meeting spanning nodes is the same on every node (MeetingSettings): the host's
 * passcode, lock and waiting room hold wherever a join arrives and outlive the node they were set
 * on; what they revoke (the way back in of everyone absent) is revoked on every node. And a
 * participant that resumes on another node than the one it dropped from is listed once, everywhere.
 * Real redis-server, real host processes.
 */
describe('admission and resumes across the nodes of a meeting', () => {
  const pair = useSpanningPair('adm');
  const { kit } = pair;

  it('a passcode set on the home revokes, on the satellite too, the way back of whoever was absent; whoever was present resumes where it dropped', async () => {
    const hana = await kit.join(pair.a.url, 'guarded', 'Hana', SPANNING_ENV.ROUNDTABLE_ADMIN_TOKEN);
    const [home, satellite] = await pair.servedBy('guarded');
    const ivo = await kit.raw(satellite.url);
    const ivoJoin = joined(await rawJoin(ivo, 'guarded', 'Ivo'));
    const sam = await kit.raw(satellite.url);
    const samJoin = joined(await rawJoin(sam, 'guarded', 'Sam'));
    expect(roomOf(await satellite.health(), 'guarded')?.peers).toBe(2);
    await waitFor(() => hana.participants.has(ivoJoin.peerId) && hana.participants.has(samJoin.peerId), 'the host lists both', 10_000);

    // Sam's connection drops before the passcode is set; Ivo's after.
    sam.close();
    await waitFor(() => hana.participants.get(samJoin.peerId)?.reconnecting, 'Sam reconnecting', 10_000);
    await hana.setPasscode('one');
    ivo.close();
    await waitFor(() => hana.participants.get(ivoJoin.peerId)?.reconnecting, 'Ivo reconnecting', 10_000);

    // Ivo was in the meeting when the passcode was set: he comes back as himself, on the node he dropped from.
    const ivoAgain = joined(await rawJoin(await kit.raw(satellite.url), 'guarded', 'Ivo', { resumeToken: ivoJoin.resumeToken }));
    expect(ivoAgain.peerId).toBe(ivoJoin.peerId);
    expect(roomOf(await satellite.health(), 'guarded')?.peers).toBe(1);

    // Sam was not: his token works on no node, and without the passcode he is refused as anyone would be.
    for (const node of [satellite, home]) expect(await refusal(kit, node.url, 'guarded', { resumeToken: samJoin.resumeToken })).toBe('unauthorized');
    await waitFor(() => !hana.participants.has(samJoin.peerId), 'Sam no longer listed', 5_000);

    // A new passcode: the old one is refused wherever a join arrives, the new one is let in.
    await hana.setPasscode('two');
    for (const node of [satellite, home]) {
      expect(await refusal(kit, node.url, 'guarded', { passcode: 'one' })).toBe('unauthorized');
      expect(await refusal(kit, node.url, 'guarded', {})).toBe('unauthorized');
    }
    expect(await refusal(kit, satellite.url, 'guarded', { passcode: 'two' })).toBeUndefined();
  }, 120_000);

  it('a participant that drops from one node and resumes on the other is listed once, live, on both at once; its old token is spent', async () => {
    const ann = await kit.join(pair.a.url, 'moving', 'Ann');
    const [first, second] = await pair.servedBy('moving');
    const pat = await kit.raw(first.url);
    const patJoin = joined(await rawJoin(pat, 'moving', 'Pat'));
    const ben = await kit.join(second.url, 'moving', 'Ben');
    expect(roomOf(await second.health(), 'moving')?.peers).toBe(1);
    await waitFor(() => ann.participants.has(patJoin.peerId) && ben.participants.has(patJoin.peerId), 'both list Pat', 10_000);
    const leftForAnn = watchLeaves(ann);
    const leftForBen = watchLeaves(ben);

    pat.close();
    await waitFor(() => ann.participants.get(patJoin.peerId)?.reconnecting && ben.participants.get(patJoin.peerId)?.reconnecting, 'Pat reconnecting on both nodes', 10_000);
    // A roster period (2 s) passes: the other node goes on listing Pat as reconnecting, as his own node does.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(ben.participants.get(patJoin.peerId)?.reconnecting).toBe(true);

    // Pat comes back through the other node, as himself.
    const back = joined(await rawJoin(await kit.raw(second.url), 'moving', 'Pat', { resumeToken: patJoin.resumeToken }));
    expect(back.peerId).toBe(patJoin.peerId);
    expect(roomOf(await second.health(), 'moving')?.peers).toBe(2);
    // The node he dropped from forgets its reconnecting entry at once (not after the resume window).
    await waitFor(() => ann.participants.get(patJoin.peerId)?.reconnecting === false, 'Ann sees Pat back', 5_000);
    expect(ben.participants.get(patJoin.peerId)?.reconnecting).toBeFalsy();
    await waitFor(async () => roomOf(await first.health(), 'moving')?.peers === 1 && spanOf(await first.health(), 'moving')?.remotePeers === 2, 'the first node lists Pat as the other node\'s', 5_000);

    // A newcomer on either node gets Pat once, live.
    for (const node of [first, second]) {
      const listed = joined(await rawJoin(await kit.raw(node.url), 'moving', 'Cid')).peers.filter((peer) => peer.id === patJoin.peerId);
      expect(listed).toHaveLength(1);
      expect(listed[0]?.reconnecting).toBeFalsy();
    }
    // The token Pat resumed with is spent on the node that issued it too: presented there, it is a stranger's join.
    const replay = joined(await rawJoin(await kit.raw(first.url), 'moving', 'Pat again', { resumeToken: patJoin.resumeToken }));
    expect(replay.peerId).not.toBe(patJoin.peerId);
    expect(leftForAnn).not.toContain(patJoin.peerId);
    expect(leftForBen).not.toContain(patJoin.peerId);
  }, 120_000);

  it('a participant whose old connection is still open on one node rejoins on the other: the new connection replaces the old one, everyone lists it once', async () => {
    const ann = await kit.join(pair.a.url, 'half-open', 'Ann');
    const [first, second] = await pair.servedBy('half-open');
    const pat = await kit.raw(first.url);
    const patJoin = joined(await rawJoin(pat, 'half-open', 'Pat'));
    const ben = await kit.join(second.url, 'half-open', 'Ben');
    await waitFor(() => ann.participants.has(patJoin.peerId) && ben.participants.has(patJoin.peerId), 'both list Pat', 10_000);
    const leftForAnn = watchLeaves(ann);
    let kicked: { reason: string } | undefined;
    pat.socket.once('peerKicked', (data: { reason: string }) => (kicked = data));

    // Pat's client lost its way to the first node, which has not noticed: it rejoins on the second with its token.
    const back = joined(await rawJoin(await kit.raw(second.url), 'half-open', 'Pat', { resumeToken: patJoin.resumeToken }));
    expect(back.peerId).toBe(patJoin.peerId);
    expect(await waitFor(() => kicked, 'the old connection told it was replaced', 5_000)).toMatchObject({ reason: 'you joined this meeting from another connection' });
    await waitFor(async () => roomOf(await first.health(), 'half-open')?.peers === 1, 'the first node no longer serves Pat', 5_000);
    for (const node of [first, second]) {
      const listed = joined(await rawJoin(await kit.raw(node.url), 'half-open', 'Cid')).peers.filter((peer) => peer.id === patJoin.peerId);
      expect(listed).toHaveLength(1);
    }
    expect(ann.participants.get(patJoin.peerId)?.reconnecting).toBeFalsy();
    expect(leftForAnn).not.toContain(patJoin.peerId);
    // The old token is spent on the first node too.
    expect(joined(await rawJoin(await kit.raw(first.url), 'half-open', 'Pat again', { resumeToken: patJoin.resumeToken })).peerId).not.toBe(patJoin.peerId);
  }, 120_000);

  it('a host that came back through the satellite changes the passcode, the lock and the waiting room there: the home holds to them', async () => {
    const ann = await kit.join(pair.a.url, 'relayed', 'Ann');
    const [home, satellite] = await pair.servedBy('relayed');
    const hana = await kit.raw(home.url);
    const hanaJoin = joined(await rawJoin(hana, 'relayed', 'Hana', { ownerKey: SPANNING_ENV.ROUNDTABLE_ADMIN_TOKEN }));
    await waitFor(() => ann.participants.get(hanaJoin.peerId)?.isHost, 'Ann sees the host', 10_000);
    // The host's connection to the home drops; she comes back through the other node, still host.
    hana.close();
    await waitFor(() => ann.participants.get(hanaJoin.peerId)?.reconnecting, 'the host reconnecting', 10_000);
    const host = await kit.raw(satellite.url);
    const back = await rawJoin(host, 'relayed', 'Hana', { resumeToken: hanaJoin.resumeToken });
    expect(back).toMatchObject({ ok: true, data: { peerId: hanaJoin.peerId, isHost: true } });
    expect(roomOf(await satellite.health(), 'relayed')?.peers).toBe(1);

    expect(await host.request('hostSetPasscode', { passcode: 'sat' })).toMatchObject({ ok: true });
    expect(await refusal(kit, home.url, 'relayed', {})).toBe('unauthorized');
    expect(await refusal(kit, home.url, 'relayed', { passcode: 'sat' })).toBeUndefined();
    expect(await host.request('hostLockRoom', { locked: true })).toMatchObject({ ok: true });
    expect(await refusal(kit, home.url, 'relayed', { passcode: 'sat' })).toBe('room_locked');
    await waitFor(() => ann.locked, 'Ann sees the lock', 5_000);
    expect(await host.request('hostLockRoom', { locked: false })).toMatchObject({ ok: true });

    // Waiting room on, at the satellite: a join at the home waits; off again: it is let in.
    expect(await host.request('hostSetWaitingRoom', { enabled: true })).toMatchObject({ ok: true });
    // The home applies the satellite's change once it has read it from Redis (a CI run's join raced it, was let in and never waited).
    const homeWaits = async () => {
      const response = await fetch(new URL('/api/rooms/relayed/stats', home.url), { headers: { authorization: `Bearer ${home.adminToken}` } });
      return ((await response.json()) as { waitingRoom?: boolean }).waitingRoom === true;
    };
    await waitFor(homeWaits, 'the home applies the waiting room', 5_000);
    const kay = await kit.raw(home.url, '127.0.2.1');
    const waiting = new Promise((resolve) => kay.socket.once('waiting', resolve));
    const kayIn = rawJoin(kay, 'relayed', 'Kay', { passcode: 'sat' });
    await waiting;
    expect(await host.request('hostSetWaitingRoom', { enabled: false })).toMatchObject({ ok: true });
    expect(await kayIn).toMatchObject({ ok: true });
  }, 120_000);

  it('the home dies: the lock, the passcode and the waiting room hold on the node that takes the meeting over', async () => {
    const hana = await kit.join(pair.a.url, 'fortress', 'Hana', SPANNING_ENV.ROUNDTABLE_ADMIN_TOKEN);
    const [home, survivor] = await pair.servedBy('fortress');
    const ivo = await kit.join(survivor.url, 'fortress', 'Ivo');
    expect(roomOf(await survivor.health(), 'fortress')?.peers).toBe(1);
    await hana.setPasscode('one');
    await hana.waitingRoom.setEnabled(true);
    await hana.setLocked(true);
    await waitFor(() => ivo.locked, 'Ivo sees the lock', 5_000);

    await home.kill('SIGKILL');
    await waitFor(async () => spanOf(await survivor.health(), 'fortress')?.home === null, 'the survivor is the meeting\'s home', 30_000);
    expect(await refusal(kit, survivor.url, 'fortress', { passcode: 'one' })).toBe('room_locked');

    // The host comes back on the survivor (her client fails over) and unlocks: the passcode still holds.
    await waitFor(async () => hana.state === 'connected' && roomOf(await survivor.health(), 'fortress')?.peers === 2, 'Hana back on the survivor', 30_000);
    await hana.setLocked(false);
    expect(await refusal(kit, survivor.url, 'fortress', {})).toBe('unauthorized');
    // With the passcode, a newcomer waits to be let in, and the host sees the knock.
    const kay = kit.joining(survivor.url, 'fortress', 'Kay', undefined, 'one');
    await waitFor(() => kay.conference.state === 'waiting' && hana.waitingRoom.entries.length === 1, 'Kay waits for the host', 10_000);
    await hana.waitingRoom.admit(hana.waitingRoom.entries[0]!.id);
    await kay.joined;
    expect(roomOf(await survivor.health(), 'fortress')?.peers).toBe(3);
  }, 120_000);
});

describe('meetings per node (no spanning): the meeting moves when its node dies', () => {
  const kit = new MeetingKit();
  let cluster: TestCluster | undefined;
  const env = { ROUNDTABLE_CLUSTER_SPAN: 'false', ROUNDTABLE_ADMIN_TOKEN: SPANNING_ENV.ROUNDTABLE_ADMIN_TOKEN };

  afterAll(async () => {
    await kit.cleanup();
    await cluster?.stop();
  });

  it('the passcode holds on the node the meeting moved to, for everyone but those who know it', async () => {
    cluster = await TestCluster.start([{ nodeId: 'solo-a', env }, { nodeId: 'solo-b', env }]);
    const [a, b] = cluster.nodes as [HostProcess, HostProcess];
    const hana = await kit.join(a.url, 'moved', 'Hana', SPANNING_ENV.ROUNDTABLE_ADMIN_TOKEN);
    const [home, other] = (roomOf(await a.health(), 'moved')?.peers ?? 0) > 0 ? [a, b] : [b, a];
    await hana.setPasscode('one');
    const { conference: ann, joined: annIn } = kit.joining(other.url, 'moved', 'Ann', undefined, 'one');
    await annIn;
    expect(roomOf(await home.health(), 'moved')?.peers).toBe(2);

    await home.kill('SIGKILL');
    // Both come back on the other node (Ann with the passcode she joined with), in a room that opened there.
    await waitFor(async () => hana.state === 'connected' && ann.state === 'connected' && roomOf(await other.health(), 'moved')?.peers === 2, 'both moved to the other node', 30_000);
    expect(await refusal(kit, other.url, 'moved', {})).toBe('unauthorized');
    expect(await refusal(kit, other.url, 'moved', { passcode: 'one' })).toBeUndefined();
  }, 120_000);

  it('Redis restarting empty does not lose the passcode: the meeting moves again afterwards and it still holds', async () => {
    const home = cluster!.live[0]!;
    expect(roomOf(await home.health(), 'moved')?.peers).toBeGreaterThanOrEqual(2);
    await cluster!.redis.kill();
    await cluster!.redis.start();
    // A participant of the meeting hears when the node list changes: so have the others.
    const listener = await kit.raw(home.url, '127.0.3.1');
    joined(await rawJoin(listener, 'moved', 'Listener', { passcode: 'one' }));
    const lists: string[][] = [];
    listener.socket.on('clusterNodes', (data: { urls: string[] }) => lists.push(data.urls));
    const next = await cluster!.add({ nodeId: 'solo-c', env });
    await waitFor(() => lists.some((urls) => urls.includes(next.url)), 'the participants know the new node', 10_000);
    await home.kill('SIGKILL');
    await waitFor(async () => (roomOf(await next.health(), 'moved')?.peers ?? 0) >= 2, 'the meeting moved to the node added after the restart', 30_000);
    expect(await refusal(kit, next.url, 'moved', {})).toBe('unauthorized');
    expect(await refusal(kit, next.url, 'moved', { passcode: 'one' })).toBeUndefined();
  }, 120_000);
});
