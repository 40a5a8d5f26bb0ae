/**
 * The host's half of `resume`, spoken by bare socket.io clients (what a buggy or hostile client
 * sends): only the holder of a live token gets a kept session back; a stale or foreign one is a
 * typed `not_resumable`; a resume beside a connection the host still thinks alive moves the
 * participant (the old connection's later drop does not end it); a session nobody resumes within
 * the grace ends like any drop (listed as reconnecting, its token still good for a rejoin).
 */
import { describe, expect, it } from 'vitest';
import { useTestHost } from '../support/meetingFixture';
import { rawClient, type RawClient } from '../support/rawClient';
import { waitFor } from '../support/testHost';

describe('resume on the host', () => {
  const fixture = useTestHost({ resumeGraceMs: 2_000 });

  async function connected(): Promise<RawClient> {
    const client = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => client.close());
    return client;
  }

  /** A client that joined, with every notification it received and its sequence number. */
  async function joinedRaw(roomId: string, displayName: string) {
    const client = await connected();
    const seen: [string, number | undefined][] = [];
    client.socket.onAny((event: string, _data: unknown, seq?: number) => seen.push([event, seq]));
    const { routerRtpCapabilities } = await client.welcome;
    const answer = await client.request('join', { roomId, displayName, rtpCapabilities: routerRtpCapabilities });
    if (!answer.ok) throw new Error(JSON.stringify(answer));
    return { client, seen, peerId: answer.data.peerId as string, token: answer.data.resumeToken as string };
  }

  const lastSeq = (seen: [string, number | undefined][]) => Math.max(0, ...seen.map(([, seq]) => seq ?? 0));

  it('numbers every notification to a participant, in order, from 1', async () => {
    const roomId = fixture.newRoom();
    const ann = await joinedRaw(roomId, 'Ann');
    await joinedRaw(roomId, 'Ben');
    await joinedRaw(roomId, 'Cy');
    await waitFor(() => ann.seen.filter(([event]) => event === 'peerJoined').length === 2, 'two arrivals at Ann');
    const numbered = ann.seen.filter(([, seq]) => seq !== undefined).map(([, seq]) => seq);
    expect(numbered).toEqual(numbered.map((_, i) => i + 1));
    // The greeting before the join is not the participant's: it has no number.
    expect(ann.seen.find(([event]) => event === 'welcome')?.[1]).toBeUndefined();
  });

  it('refuses an unknown token, another room, and a sequence number never sent, as not_resumable', async () => {
    const roomId = fixture.newRoom();
    const ann = await joinedRaw(roomId, 'Ann');
    ann.client.socket.io.engine.close();
    const other = await connected();
    const refused = { ok: false, error: { code: 'not_resumable' } };
    expect(await other.request('resume', { roomId, resumeToken: 'x'.repeat(43), lastSeq: 0 })).toMatchObject(refused);
    expect(await other.request('resume', { roomId: fixture.newRoom(), resumeToken: ann.token, lastSeq: 0 })).toMatchObject(refused);
    expect(await other.request('resume', { roomId, resumeToken: ann.token, lastSeq: 10_000 })).toMatchObject(refused);
    expect(await other.request('resume', { roomId, resumeToken: ann.token, lastSeq: -1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // None of that used the token up.
    expect(await other.request('resume', { roomId, resumeToken: ann.token, lastSeq: 0 })).toMatchObject({ ok: true });
  });

  it('a resume beside a live connection moves the participant there; the old one is closed and its drop ends nothing', async () => {
    const roomId = fixture.newRoom();
    const ann = await joinedRaw(roomId, 'Ann');
    const ben = await joinedRaw(roomId, 'Ben');
    const room = fixture.host.rooms.get(roomId)!;
    const peer = room.peers.get(ann.peerId)!;

    const moved = await connected();
    const replayed: string[] = [];
    moved.socket.onAny((event: string) => replayed.push(event));
    const answer = await moved.request('resume', { roomId, resumeToken: ann.token, lastSeq: 0 });
    expect(answer).toMatchObject({ ok: true });
    // Everything since the join came again, before the answer.
    expect(replayed).toContain('peerJoined');
    await waitFor(() => !ann.client.socket.connected, 'the old connection closed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(peer.closed).toBe(false);
    expect(room.peers.get(ann.peerId)).toBe(peer);
    // The token was replaced: the old one resumes nobody now.
    expect(answer.ok && answer.data.resumeToken).not.toBe(ann.token);
    expect(await (await connected()).request('resume', { roomId, resumeToken: ann.token, lastSeq: 0 })).toMatchObject({ ok: false, error: { code: 'not_resumable' } });
    // Requests work on the new connection, and what others do reaches it.
    expect(await moved.request('setHand', { raised: true })).toMatchObject({ ok: true });
    await ben.client.request('sendChat', { text: 'hello' });
    await waitFor(() => replayed.includes('chatMessage'), 'the chat on the new connection');
  });

  it('a participant that resumes again and again holds no more on the host than after its first join', async () => {
    const roomId = fixture.newRoom();
    const ann = await joinedRaw(roomId, 'Ann');
    const peer = fixture.host.rooms.get(roomId)!.peers.get(ann.peerId)!;
    const listeners = peer.listenerCount('close');
    let token = ann.token;
    let current = ann.client;
    for (let i = 0; i < 12; i++) {
      current.socket.io.engine.close();
      const next = await connected();
      const answer = await next.request('resume', { roomId, resumeToken: token, lastSeq: 0 });
      if (!answer.ok) throw new Error(JSON.stringify(answer));
      token = answer.data.resumeToken;
      current = next;
    }
    expect(peer.closed).toBe(false);
    expect(peer.listenerCount('close')).toBe(listeners);
  });

  it('a kept session nobody resumes ends after the grace like a drop: reconnecting, then a rejoin with the token works', async () => {
    const roomId = fixture.newRoom();
    const ann = await joinedRaw(roomId, 'Ann');
    const ben = await joinedRaw(roomId, 'Ben');
    const peer = fixture.host.rooms.get(roomId)!.peers.get(ann.peerId)!;
    const { sendTransport } = peer;
    ann.client.socket.io.engine.close();
    await waitFor(() => ben.seen.some(([event]) => event === 'peerUpdated'), 'Ann reconnecting at Ben');
    expect(peer.closed).toBe(false);
    await waitFor(() => peer.closed, 'the kept session closed after the grace', 5_000);
    expect(sendTransport.closed).toBe(true);
    expect(ben.seen.some(([event]) => event === 'peerLeft')).toBe(false);

    const back = await connected();
    expect(await back.request('resume', { roomId, resumeToken: ann.token, lastSeq: lastSeq(ann.seen) })).toMatchObject({ ok: false, error: { code: 'not_resumable' } });
    const { routerRtpCapabilities } = await back.welcome;
    const rejoin = await back.request('join', { roomId, displayName: 'Ann', rtpCapabilities: routerRtpCapabilities, resumeToken: ann.token });
    expect(rejoin).toMatchObject({ ok: true, data: { peerId: ann.peerId } });
  });

  it('a client that leaves on purpose is not kept', async () => {
    const roomId = fixture.newRoom();
    const ann = await joinedRaw(roomId, 'Ann');
    const peer = fixture.host.rooms.get(roomId)!.peers.get(ann.peerId)!;
    ann.client.close();
    await waitFor(() => peer.closed, 'closed at once');
  });
});
