import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import type { Conference } from '../../renderer/src/conference';
import { qualityLevel } from '../../shared/quality';
import { useTestHost } from '../support/meetingFixture';
import { waitFor } from '../support/testHost';

type Listener = (data: unknown, ack: (result: unknown) => void) => void;
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
  const meeting = useTestHost();
  const { client } = meeting;

  async function sender(roomId: string): Promise<Conference> {
    const conference = client();
    await conference.join({ roomId, displayName: 'Sender' });
    const media = meeting.media({ width: 160, height: 120, fps: 10 });
    await conference.produceTrack(media.video, 'camera');
    await conference.produceTrack(media.audio, 'mic');
    return conference;
  }
  const consumersOf = (roomId: string, peerId: string) => [...(meeting.host.rooms.get(roomId)?.peers.get(peerId)?.consumers.values() ?? [])];

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

  it('a score reported while the client had not taken the consumer yet is told again once it has', async () => {
    const roomId = 'score-before-taken';
    const ben = client();
    await ben.join({ roomId, displayName: 'Ben' });
    // Ben's client gets to offers 2 s late (a busy client): it does not know the consumers meanwhile.
    const socket = ben.socket as unknown as { listeners(e: string): Listener[]; off(e: string, l: Listener): void; on(e: string, l: Listener): void };
    for (const listener of socket.listeners('newConsumers')) {
      socket.off('newConsumers', listener);
      socket.on('newConsumers', (data, ack) => setTimeout(() => listener(data, ack), 2_000));
    }
    const ann = await sender(roomId);
    const consumers = await waitFor(() => (consumersOf(roomId, ben.peerId!).length === 2 ? consumersOf(roomId, ben.peerId!) : undefined), 'Ben consumes camera and mic');
    // Offered, not taken yet: what the client is told now it cannot place.
    for (const consumer of consumers) score(consumer, 10);
    await waitFor(() => consumers.every((consumer) => !consumer.paused), 'Ben took both and the host resumed them', 15_000);
    await waitFor(() => qualityLevel(ben.participants.get(ann.peerId!)?.quality) === 'good', 'Ben sees good quality', 5_000);
  }, 60_000);

  it('a client from before score batches gets one consumerScore per changed consumer', async () => {
    const roomId = 'score-legacy';
    const ann = await sender(roomId);
    const ben = client();
    // Ben's join says nothing of score batches, as a client from before them.
    const socket = ben.socket as unknown as { emitWithAck(name: string, data: unknown): Promise<unknown> };
    const emitWithAck = socket.emitWithAck.bind(ben.socket);
    socket.emitWithAck = (name, data) => emitWithAck(name, name === 'join' ? { ...(data as object), scoreBatches: undefined } : data);
    await ben.join({ roomId, displayName: 'Ben' });
    const consumers = await waitFor(() => (consumersOf(roomId, ben.peerId!).length === 2 ? consumersOf(roomId, ben.peerId!) : undefined), 'Ben consumes camera and mic');
    const annSeenByBen = () => ben.participants.get(ann.peerId!);
    await waitFor(() => annSeenByBen()?.streams.size === 2, 'Ben holds both streams');
    for (const consumer of consumers) score(consumer, 10);
    await waitFor(() => qualityLevel(annSeenByBen()!.quality) === 'good', 'Ben sees good quality');
    await sleep(500);

    const received: { name: string; consumerId?: string }[] = [];
    ben.socket.onAny((name: string, data: { consumerId?: string }) => {
      if (SCORE_EVENTS.includes(name)) received.push({ name, consumerId: data.consumerId });
    });
    await churnWithinGood(consumers, 1_000);
    await sleep(500);
    expect(received).toEqual([]);
    for (const consumer of consumers) score(consumer, 2);
    await waitFor(() => qualityLevel(annSeenByBen()!.quality) === 'poor', 'Ben sees poor quality', 5_000);
    // One consumerScore per consumer whose level changed.
    await waitFor(() => received.length === 2, 'a score per consumer');
    expect(received.every((r) => r.name === 'consumerScore')).toBe(true);
    expect(received.map((r) => r.consumerId).sort()).toEqual(consumers.map((c) => c.id).sort());
  }, 60_000);
});
