import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../renderer/src/conference';
import { useTestHost } from '../support/meetingFixture';
import { rawClient } from '../support/rawClient';
import { waitFor } from '../support/testHost';
import { countFrames } from '../support/wrtc';

/**
 * Join latency (issue 10): the lobby has the host prepare its transports and connects them before
 * Join, so the first remote frame after the join waits for no ICE or DTLS handshake.
 */
describe('transports prepared in the lobby', () => {
  const fixture = useTestHost();
  const { client, media } = fixture;

  async function senderIn(roomId: string) {
    const alice = await fixture.joined(roomId, 'Alice');
    const aliceMedia = media();
    await alice.produceTrack(aliceMedia.video, 'camera');
    await alice.produceTrack(aliceMedia.audio, 'mic');
    return alice;
  }

  const transportIdsOn = async (roomId: string) => (await fixture.host.rooms.get(roomId)!.router.dump()).transportIds;

  it('are connected before Join, taken over by the join, and carry decoded video with no handshake after it', async () => {
    const roomId = fixture.newRoom('prepared');
    await senderIn(roomId);
    const bob = client();
    expect(await bob.prepare({ roomId })).toBe(true);
    const before = await transportIdsOn(roomId);
    expect(before).toHaveLength(4); // Alice's two and Bob's prepared two

    const sent: string[] = [];
    bob.socket.onAnyOutgoing((event) => sent.push(event));
    const streams: StreamEvent[] = [];
    bob.on('streamAdded', (event) => streams.push(event));
    await bob.join({ roomId, displayName: 'Bob' });

    const peer = fixture.host.rooms.get(roomId)!.peers.get(bob.peerId!)!;
    expect(before).toContain(peer.recvTransport.id);
    expect(before).toContain(peer.sendTransport.id);
    expect(bob.transports.recv!.id).toBe(peer.recvTransport.id);
    expect([peer.sendTransport.appData.peerId, peer.recvTransport.appData.peerId]).toEqual([bob.peerId, bob.peerId]);
    expect(bob.transports.recv!.connectionState).toBe('connected');
    const video = await waitFor(() => streams.find((s) => s.source === 'camera'), "Alice's camera at Bob");
    const frames = countFrames(video.stream.getVideoTracks()[0]!);
    fixture.defer(() => frames.stop());
    await waitFor(() => frames.frames > 5, 'decoded frames at Bob', 15_000);
    // The receive side needed no handshake after the join: only the held consumers were acknowledged.
    expect(sent.slice(0, 2)).toEqual(['join', 'consumersTaken']);
    expect(sent.filter((name) => name === 'connectTransport').length).toBeLessThanOrEqual(1); // the send side's, on first produce
    expect(await transportIdsOn(roomId)).toHaveLength(4);
  });

  it('that are never used are closed: when the lobby leaves, when another meeting is prepared, when the join goes elsewhere', async () => {
    const roomId = fixture.newRoom('unused');
    const other = fixture.newRoom('other');
    await senderIn(roomId);
    await senderIn(other);

    const leaver = client();
    expect(await leaver.prepare({ roomId })).toBe(true);
    expect(await transportIdsOn(roomId)).toHaveLength(4);
    await leaver.leave();
    await waitFor(async () => (await transportIdsOn(roomId)).length === 2, 'the prepared pair closed after leave()');

    const switcher = client();
    expect(await switcher.prepare({ roomId })).toBe(true);
    expect(await switcher.prepare({ roomId: other })).toBe(true);
    await waitFor(async () => (await transportIdsOn(roomId)).length === 2, 'the first pair closed when another meeting was prepared');
    expect(await transportIdsOn(other)).toHaveLength(4);
    await switcher.join({ roomId, displayName: 'Switcher' });
    // Joined the first meeting after all: new transports there, the other meeting's pair released.
    await waitFor(async () => (await transportIdsOn(other)).length === 2, 'the pair in the other meeting closed');
    expect(await transportIdsOn(roomId)).toHaveLength(4);
    expect(switcher.state).toBe('connected');
  });

  it('are one pair per connection however often a client asks, and asking is rate-limited', async () => {
    const roomId = fixture.newRoom('flood');
    await senderIn(roomId);
    const raw = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => raw.close());
    const answers = [];
    for (let i = 0; i < 25; i++) answers.push(await raw.request('prepareTransports', { roomId }));
    expect(answers.filter((a) => a.ok)).toHaveLength(20);
    expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await transportIdsOn(roomId)).toHaveLength(4);
    raw.close();
    await waitFor(async () => (await transportIdsOn(roomId)).length === 2, 'the pair closed with the connection');
  });

  it('asked for two meetings at once: the later request wins, whichever finishes first', async () => {
    const [first, second] = [fixture.newRoom('first'), fixture.newRoom('second')];
    await senderIn(first);
    await senderIn(second);
    const raw = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => raw.close());
    const [a, b] = await Promise.all([raw.request('prepareTransports', { roomId: first }), raw.request('prepareTransports', { roomId: second })]);
    expect(a).toEqual({ ok: true, data: { prepared: null } });
    expect(b).toMatchObject({ ok: true, data: { prepared: { recvTransport: { id: expect.any(String) } } } });
    await waitFor(async () => (await transportIdsOn(first)).length === 2, 'nothing kept in the first meeting');
    expect(await transportIdsOn(second)).toHaveLength(4);
  });

  it('hold the join consumers until the client says it took them; nothing else can use the transports before the join', async () => {
    const roomId = fixture.newRoom('held');
    await senderIn(roomId);
    const asker = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => asker.close());
    expect(await asker.request('prepareTransports', { roomId: 'no-such-meeting' })).toEqual({ ok: true, data: { prepared: null } });
    // A meeting with a waiting room gives a stranger nothing before the host lets it in.
    const guarded = fixture.newRoom('guarded');
    const owner = await fixture.joined(guarded, 'Owner', { ownerKey: fixture.host.ownerKey });
    await owner.waitingRoom.setEnabled(true);
    expect(await asker.request('prepareTransports', { roomId: guarded })).toEqual({ ok: true, data: { prepared: null } });

    const raw = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => raw.close());
    const { routerRtpCapabilities } = await raw.welcome;
    const prepared = await raw.request('prepareTransports', { roomId });
    expect(prepared.ok).toBe(true);
    const { recvTransport } = (prepared as { data: { prepared: { recvTransport: { id: string } } } }).data.prepared;
    // Another connection cannot touch them.
    const intruder = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => intruder.close());
    const dtlsParameters = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AA:'.repeat(31) + 'AA' }] };
    expect(await intruder.request('connectTransport', { transportId: recvTransport.id, dtlsParameters })).toMatchObject({ ok: false, error: { code: 'not_joined' } });

    const caps = { codecs: (routerRtpCapabilities as { codecs: unknown[] }).codecs, headerExtensions: [] };
    const joined = await raw.request('join', { roomId, displayName: 'Raw', rtpCapabilities: caps, usePrepared: true });
    expect(joined).toMatchObject({ ok: true, data: { consumersHeld: true, recvTransport: { id: recvTransport.id } } });
    const consumerIds = (joined as { data: { consumers: { consumerId: string }[] } }).data.consumers.map((c) => c.consumerId);
    expect(consumerIds).toHaveLength(2);
    const peer = fixture.host.rooms.get(roomId)!.peers.get((joined as { data: { peerId: string } }).data.peerId)!;
    const paused = () => consumerIds.map((id) => peer.consumers.get(id)!.paused);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(paused()).toEqual([true, true]);
    expect(await raw.request('consumersTaken', { consumerIds })).toEqual({ ok: true, data: {} });
    await waitFor(() => paused().every((p) => !p), 'the taken consumers to forward');
  });
});
