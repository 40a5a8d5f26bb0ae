import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { Conference } from '../../renderer/src/conference';
import type { Host } from '../../electron/host/Host';
import { qualityLevel } from '../../shared/quality';
import { installWrtcGlobals, syntheticMedia } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';
import { rawClient } from '../support/rawClient';

installWrtcGlobals();

const SCORE_EVENTS = ['consumerScore', 'consumerScores'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Score churn as mediasoup reports it: a `score` event on the host's consumer. The worker emits
 * these when a score moves; the test emits them on the real consumers to control the values.
 */
function score(consumer: types.Consumer, value: number): void {
  consumer.emit('score', { score: value, producerScore: value, producerScores: [value] });
}

/** Many score moves that never leave the 'good' level (9 ↔ 10 under slight loss), over `ms`. */
async function churnWithinGood(consumers: types.Consumer[], ms: number): Promise<number> {
  let events = 0;
  for (let t = 0; t < ms; t += 50) {
    for (const consumer of consumers) {
      score(consumer, [10, 9, 8, 9, 7, 10][(t / 50) % 6]!);
      events++;
    }
    await sleep(50);
  }
  return events;
}

describe('consumer scores (sent when the quality level changes, coalesced per receiver)', () => {
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
  async function sender(roomId: string): Promise<Conference> {
    const conference = client();
    await conference.join({ roomId, displayName: 'Sender' });
    const media = syntheticMedia({ width: 160, height: 120, fps: 10 });
    cleanups.push(() => media.stop());
    await conference.produceTrack(media.video, 'camera');
    await conference.produceTrack(media.audio, 'mic');
    return conference;
  }
  const consumersOf = (roomId: string, peerId: string) => [...(host.rooms.get(roomId)?.peers.get(peerId)?.consumers.values() ?? [])];

  it('score churn within one level sends nothing; a level change reaches the tile in one message', async () => {
    const roomId = 'score-churn';
    const ann = await sender(roomId);
    const ben = client();
    await ben.join({ roomId, displayName: 'Ben' });
    const consumers = await waitFor(() => (consumersOf(roomId, ben.peerId!).length === 2 ? consumersOf(roomId, ben.peerId!) : undefined), 'Ben consumes camera and mic');
    const annSeenByBen = () => ben.participants.get(ann.peerId!);
    await waitFor(() => annSeenByBen()?.streams.size === 2, 'Ben holds both streams');
    // The first real scores tell Ben's client the starting level.
    for (const consumer of consumers) score(consumer, 10);
    await waitFor(() => qualityLevel(annSeenByBen()!.quality) === 'good', 'Ben sees good quality');
    await sleep(500);

    const received: string[] = [];
    ben.socket.onAny((name: string) => {
      if (SCORE_EVENTS.includes(name)) received.push(name);
    });
    const updates: string[] = ['good'];
    ben.on('participantUpdated', (participant) => {
      const level = qualityLevel(participant.quality);
      // What the tile renders: one entry per change of its level.
      if (participant.id === ann.peerId && updates.at(-1) !== level) updates.push(level);
    });

    const events = await churnWithinGood(consumers, 2_000);
    await sleep(500);
    expect(events).toBeGreaterThanOrEqual(70);
    // Real scores may still arrive meanwhile; none of them changes the level either.
    expect(received).toEqual([]);

    // Both streams turn poor at once: one message tells the client about both, and the tile shows it.
    for (const consumer of consumers) score(consumer, 2);
    await waitFor(() => qualityLevel(annSeenByBen()!.quality) === 'poor', 'Ben sees poor quality', 5_000);
    for (const consumer of consumers) score(consumer, 10);
    await waitFor(() => qualityLevel(annSeenByBen()!.quality) === 'good', 'Ben sees good quality again', 5_000);
    expect(received).toEqual(['consumerScores', 'consumerScores']);
    expect(updates).toEqual(['good', 'poor', 'good']);
  }, 60_000);

  it('a client from before score batches gets one consumerScore per changed consumer', async () => {
    const roomId = 'score-legacy';
    await sender(roomId);
    const raw = await rawClient(host.baseUrl);
    cleanups.push(() => raw.close());
    const { routerRtpCapabilities } = await raw.welcome;
    // Joined after the sender: its consumers come in the join answer (no offers to answer).
    const joined = await raw.request('join', { roomId, displayName: 'Legacy', rtpCapabilities: routerRtpCapabilities });
    expect(joined.ok).toBe(true);
    const peerId = (joined as { data: { peerId: string } }).data.peerId;
    const consumers = await waitFor(() => (consumersOf(roomId, peerId).length === 2 ? consumersOf(roomId, peerId) : undefined), 'both consumers');
    const received: { name: string; consumerId?: string; score?: number }[] = [];
    raw.socket.onAny((name: string, data: { consumerId?: string; score?: number }) => {
      if (SCORE_EVENTS.includes(name)) received.push({ name, consumerId: data.consumerId, score: data.score });
    });
    for (const consumer of consumers) score(consumer, 3);
    await waitFor(() => received.filter((r) => r.score === 3).length === 2, 'both poor scores');
    await churnWithinGood(consumers, 1_000);
    await sleep(500);
    const goodAgain = received.filter((r) => r.score !== 3);
    expect(received.every((r) => r.name === 'consumerScore')).toBe(true);
    // Poor → good: one message per consumer, whatever the churn within good after it.
    expect(goodAgain.map((r) => r.consumerId).sort()).toEqual(consumers.map((c) => c.id).sort());
  }, 60_000);
});
