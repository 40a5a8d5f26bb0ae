/**
 * A join whose client gave up (its 10 s timeout passed on a loaded host, and it left or its
 * connection dropped) while the host was still building it. The 50-participant bench saw retries
 * refused as "meeting full": the abandoned joins still held their seats. Real host and worker,
 * bare socket.io clients; the host's slow step is held open by a gate on the room's own method.
 */
import { describe, expect, it } from 'vitest';
import type { Room } from '../../electron/host/Room';
import { useTestHost } from '../support/meetingFixture';
import { rawClient, type RawClient } from '../support/rawClient';
import { waitFor } from '../support/testHost';

/** Holds the next call of `room.media[method]` until `open()`. */
function gate(room: Room, method: 'createTransports' | 'consumeExisting') {
  const media = room.media as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = media[method]!.bind(room.media);
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let reached = false;
  media[method] = async (...args: unknown[]) => {
    media[method] = original;
    reached = true;
    await opened;
    return original(...args);
  };
  return { open, reached: () => reached };
}

describe('a join its client abandoned', () => {
  const fixture = useTestHost({ resumeGraceMs: 15_000 });

  async function joining(roomId: string, displayName: string): Promise<{ client: RawClient; answer: Promise<unknown> }> {
    const client = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => client.close());
    const { routerRtpCapabilities } = await client.welcome;
    // A request on a connection that closed rejects: that is an answer too (never got).
    const answer = client.request('join', { roomId, displayName, rtpCapabilities: routerRtpCapabilities }).catch((error: Error) => ({ ok: false, dropped: error.message }));
    return { client, answer };
  }

  async function roomWithAnn() {
    const roomId = fixture.newRoom();
    const ann = await joining(roomId, 'Ann');
    expect(await ann.answer).toMatchObject({ ok: true });
    const seen: string[] = [];
    ann.client.socket.onAny((event: string, data: { reconnecting?: boolean }) => {
      if (event === 'peerLeft' || (event === 'peerUpdated' && data.reconnecting)) seen.push(event);
    });
    return { roomId, room: fixture.host.rooms.get(roomId)!, seen };
  }

  it('gives its seat back as soon as its connection goes, and leaves nothing once the host gets to it', async () => {
    const { roomId, room } = await roomWithAnn();
    const held = gate(room, 'createTransports');
    const ben = await joining(roomId, 'Ben');
    await waitFor(() => held.reached() && room.meetingState.admission.joinsInProgress === 1, "Ben's join waiting for its transports");
    ben.client.socket.io.engine.close();
    await waitFor(() => room.meetingState.admission.joinsInProgress === 0, 'the seat given back while the join is still held', 1_000);
    held.open();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(room.peers.size).toBe(1);
    const dump = (await room.router.dump()) as { transportIds: string[] };
    expect(dump.transportIds).toHaveLength(2); // Ann's two
  });

  it('is not kept for a resume when its connection drops before the answer: it ends at once', async () => {
    const { roomId, room, seen } = await roomWithAnn();
    const held = gate(room, 'consumeExisting');
    const ben = await joining(roomId, 'Ben');
    await waitFor(() => held.reached() && room.peers.size === 2, "Ben in the room, his answer not sent yet");
    ben.client.socket.io.engine.close();
    await waitFor(() => room.peers.size === 1, "Ben's participant closed", 1_000);
    held.open();
    expect(await ben.answer).toMatchObject({ ok: false });
    await waitFor(() => seen.includes('peerLeft'), 'Ann told Ben left');
    expect(seen).not.toContain('peerUpdated');
  });
});
