import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import type { Host } from '../../electron/host/Host';
import { countFrames, installWrtcGlobals, syntheticMedia } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';
import { rawClient } from '../support/rawClient';

installWrtcGlobals();

/** Every way a host offers consumers: one at a time (before batching) or in batches. */
const OFFER_EVENTS = ['newConsumer', 'newConsumers'];

type Listener = (data: unknown, ack: (result: unknown) => void) => void;

/**
 * Makes `conference` slow to answer consumer offers: it takes them at once, but its acks reach the
 * host no earlier than `until` (a client starved of CPU). Only this test's client is slowed.
 */
function slowAcks(conference: Conference, until: number): void {
  // Untyped on purpose: the same injection must work on either offer event.
  const socket = conference.socket as unknown as {
    listeners(event: string): Listener[];
    off(event: string, listener: Listener): void;
    on(event: string, listener: Listener): void;
  };
  for (const event of OFFER_EVENTS) {
    for (const listener of socket.listeners(event)) {
      socket.off(event, listener);
      socket.on(event, (data, ack) => listener(data, (result) => setTimeout(() => ack(result), Math.max(0, until - Date.now()))));
    }
  }
}

/** Counts what `conference`'s socket receives and sends, by event name. */
function countMessages(conference: Conference) {
  const incoming = new Map<string, number>();
  let outgoing = 0;
  conference.socket.onAny((name: string) => incoming.set(name, (incoming.get(name) ?? 0) + 1));
  conference.socket.onAnyOutgoing(() => outgoing++);
  return {
    offers: () => OFFER_EVENTS.reduce((sum, name) => sum + (incoming.get(name) ?? 0), 0),
    /** Every socket.io message both ways; requests and offers count twice (with their ack). */
    total: () => [...incoming].reduce((sum, [name, n]) => sum + (OFFER_EVENTS.includes(name) ? 2 * n : n), 0) + 2 * outgoing,
  };
}

describe('consumer offers (batched per receiver, offered again when not taken)', () => {
  let host: Host;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await host.stop();
  });

  function client(): Conference {
    const conference = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    cleanups.push(() => conference.leave());
    return conference;
  }
  function media(options: { width: number; height: number; fps: number } = { width: 160, height: 120, fps: 10 }) {
    const m = syntheticMedia(options);
    cleanups.push(() => m.stop());
    return m;
  }
  /** Host side: the peer's consumers, and how many of them consume a producer someone else also consumes here. */
  function hostConsumers(roomId: string, conference: Conference) {
    const peer = host.rooms.get(roomId)?.peers.get(conference.peerId!);
    const consumers = [...(peer?.consumers.values() ?? [])];
    return { consumers, duplicates: consumers.length - new Set(consumers.map((c) => c.producerId)).size };
  }
  const streamCount = (conference: Conference) => [...conference.participants.values()].reduce((sum, p) => sum + p.streams.size, 0);

  it('a client slow to answer offers (past the host’s ack timeout) still ends with every stream, once', async () => {
    const roomId = 'slow-acks';
    const slow = client();
    await slow.join({ roomId, displayName: 'Slow' });
    // Acks leave this client 12 s from now: later than the host's 10 s answer timeout.
    slowAcks(slow, Date.now() + 12_000);
    const senders = [client(), client()];
    for (const [i, sender] of senders.entries()) {
      await sender.join({ roomId, displayName: `Sender ${i}` });
      const m = media();
      await sender.produceTrack(m.video, 'camera');
      await sender.produceTrack(m.audio, 'mic');
    }
    // Every stream, forwarding on the host, and never twice.
    await waitFor(() => hostConsumers(roomId, slow).consumers.filter((c) => !c.paused).length === 4, 'all 4 consumers forwarding to the slow client', 40_000);
    expect(hostConsumers(roomId, slow).consumers).toHaveLength(4);
    expect(hostConsumers(roomId, slow).duplicates).toBe(0);
    // The client may still be adding them: while the host holds the unanswered consumers paused,
    // the SDK's network watcher can take the silence for a dead path and rejoin (a known wart).
    await waitFor(() => streamCount(slow) === 4, 'the slow client to hold all 4 streams', 15_000);
    expect(hostConsumers(roomId, slow).duplicates).toBe(0);
    for (const sender of senders) {
      const camera = slow.participants.get(sender.peerId!)?.streamFor('camera');
      expect(camera).toBeDefined();
      const frames = countFrames(camera!.stream.getVideoTracks()[0]!);
      try {
        await waitFor(() => frames.frames >= 3, 'decoded frames from each camera', 15_000);
      } finally {
        frames.stop();
      }
    }
  }, 60_000);

  it('a join burst: offers per receiver are batched (far fewer messages than consumers)', async () => {
    const roomId = 'burst';
    const n = 6;
    const cameras = 2;
    const peers = Array.from({ length: n }, () => client());
    const counters = peers.map(countMessages);
    await Promise.all(peers.map((p, i) => p.join({ roomId, displayName: `P${i}` })));
    // Everyone starts sending at once, as at the start of a meeting.
    await Promise.all(
      peers.map(async (p, i) => {
        const m = media();
        await p.produceTrack(m.audio, 'mic');
        if (i < cameras) await p.produceTrack(m.video, 'camera');
      }),
    );
    const expected = (i: number) => n - 1 + cameras - (i < cameras ? 1 : 0);
    await waitFor(() => peers.every((p, i) => streamCount(p) === expected(i)), 'the full mesh', 30_000);
    const consumersPerPeer = peers.map((_, i) => expected(i));
    const offersPerPeer = counters.map((c) => c.offers());
    // One message per consumer before batching (6 or 7 here); batched, a receiver gets a few offers.
    for (const [i, offers] of offersPerPeer.entries()) expect(offers, `offers to P${i}`).toBeLessThanOrEqual(Math.ceil(consumersPerPeer[i]! / 2));
    const total = counters.reduce((sum, c) => sum + c.total(), 0);
    // Messages per join: join, 2 connects, 2 produces (with acks), welcome, peerJoined ×(n-1),
    // a few offers with acks, scores and layer notices. Bounded well below the per-consumer flow.
    expect(total / n).toBeLessThanOrEqual(12 + 3 * n);
    for (const p of peers) expect(hostConsumers(roomId, p).duplicates).toBe(0);
  }, 60_000);

  /** A socket-level client (no SDK) joined to `roomId`, and a sender there with a mic. */
  async function rawReceiver(roomId: string, join: Record<string, unknown>) {
    const raw = await rawClient(host.baseUrl);
    cleanups.push(() => raw.close());
    const { routerRtpCapabilities } = await raw.welcome;
    const joined = await raw.request('join', { roomId, displayName: 'Raw', rtpCapabilities: routerRtpCapabilities, ...join });
    expect(joined.ok).toBe(true);
    const peerId = (joined as { data: { peerId: string } }).data.peerId;
    return { raw, consumers: () => [...(host.rooms.get(roomId)?.peers.get(peerId)?.consumers.values() ?? [])] };
  }

  it('a client from before batching gets one newConsumer per consumer, and its ack starts forwarding', async () => {
    const roomId = 'legacy-client';
    const sender = client();
    await sender.join({ roomId, displayName: 'Sender' });
    const { raw, consumers } = await rawReceiver(roomId, {});
    const offers: string[] = [];
    raw.socket.on('newConsumer', (data: { consumerId: string }, ack: (r: unknown) => void) => {
      offers.push(data.consumerId);
      ack({ ok: true, data: {} });
    });
    raw.socket.on('newConsumers', () => offers.push('batch'));
    const m = media();
    await sender.produceTrack(m.audio, 'mic');
    await sender.produceTrack(m.video, 'camera');
    await waitFor(() => consumers().length === 2 && consumers().every((c) => !c.paused), 'both consumers forwarding');
    expect(offers.sort()).toEqual(consumers().map((c) => c.id).sort());
  });

  it('a malformed answer to an offer is a failed offer: offered again, then closed, never a crash', async () => {
    const roomId = 'bad-answers';
    const sender = client();
    await sender.join({ roomId, displayName: 'Sender' });
    const { raw, consumers } = await rawReceiver(roomId, { consumerBatches: true });
    const answers: unknown[] = [{ ok: true, data: { results: 'nope' } }, { ok: true }, null, { ok: true, data: { results: [{ consumerId: 42 }] } }];
    let offers = 0;
    const closed: string[] = [];
    raw.socket.on('consumerClosed', ({ consumerId }: { consumerId: string }) => closed.push(consumerId));
    raw.socket.on('newConsumers', (_data: unknown, ack: (r: unknown) => void) => ack(answers[offers++ % answers.length]));
    const m = media();
    await sender.produceTrack(m.audio, 'mic');
    const [consumer] = await waitFor(() => (consumers().length === 1 ? consumers() : undefined), 'the consumer');
    await waitFor(() => closed.includes(consumer!.id), 'the consumer closed after its last offer', 15_000);
    expect(offers).toBe(4);
    expect(consumers()).toHaveLength(0);
    // The host still serves this client.
    expect((await raw.request('ping', {})).ok).toBe(true);
  });
});
