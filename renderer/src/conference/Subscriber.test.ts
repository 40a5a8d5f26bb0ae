import type { types } from 'mediasoup-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NewConsumer } from '../../../shared/protocol';
import { RoomState } from './RoomState';
import type { SignalingClient } from './SignalingClient';
import { Subscriber } from './Subscriber';

class FakeMediaStream {
  constructor(readonly tracks: unknown[]) {}
}

/** A receive transport whose consumes finish when the test says (a busy machine: seconds late). */
function slowTransport() {
  const pending: { id: string; resolve: (consumer: types.Consumer) => void }[] = [];
  const transport = {
    closed: false,
    consume: vi.fn(
      ({ id }: { id: string }) =>
        new Promise<types.Consumer>((resolve) => {
          pending.push({ id, resolve });
        }),
    ),
  };
  const finish = (index: number) => {
    const { id, resolve } = pending[index]!;
    const consumer = { id, track: {}, closed: false, close: vi.fn(() => void (consumer.closed = true)) };
    resolve(consumer as unknown as types.Consumer);
    return consumer;
  };
  return { transport: transport as unknown as types.Transport & { consume: typeof transport.consume }, finish };
}

const offer = (consumerId: string): NewConsumer => ({
  consumerId,
  producerId: `p-${consumerId}`,
  peerId: 'ann',
  kind: 'video',
  source: 'camera',
  rtpParameters: { codecs: [], mid: '6' },
  producerPaused: false,
});

function setup() {
  const emit = vi.fn();
  const room = new RoomState(emit);
  room.applyJoin(
    { peerId: 'me', isHost: false, locked: false, peers: [{ id: 'ann', displayName: 'Ann', isHost: true, handRaised: false, producers: [] }], chatHistory: [] },
    'Me',
  );
  const signaling = { request: vi.fn(async () => ({})) } as unknown as SignalingClient;
  const subscriber = new Subscriber(room, signaling, emit, { onReceiveBroken: vi.fn(), consumeTimeoutMs: 50 });
  return { room, emit, subscriber };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Subscriber: a consume slower than the host waits for', () => {
  beforeAll(() => vi.stubGlobal('MediaStream', FakeMediaStream));
  afterAll(() => vi.unstubAllGlobals());

  it('is not started twice when the host offers it again, and is kept when it finishes late', async () => {
    const { room, subscriber } = setup();
    const { transport, finish } = slowTransport();
    const first = await subscriber.take(transport, [offer('c1')], () => true);
    expect(first).toEqual([{ consumerId: 'c1', ok: false, error: 'consume took longer than 50 ms' }]);

    // The host offers the same consumer again (same mid) while the first consume still runs.
    const again = subscriber.take(transport, [offer('c1')], () => true);
    await settle(10);
    expect(transport.consume).toHaveBeenCalledTimes(1);
    const consumer = finish(0);
    expect(await again).toEqual([{ consumerId: 'c1', ok: true }]);
    expect(consumer.close).not.toHaveBeenCalled();
    expect(room.findStream('c1')?.remote.consumer).toBe(consumer);
  });

  it('finished late after the host gave up on it (closed it): dropped', async () => {
    const { room, subscriber } = setup();
    const { transport, finish } = slowTransport();
    await subscriber.take(transport, [offer('c2')], () => true);
    subscriber.remove('c2');
    const consumer = finish(0);
    await settle(10);
    expect(consumer.close).toHaveBeenCalled();
    expect(room.findStream('c2')).toBeUndefined();
  });
});

describe('Subscriber: an offer of a consumer the host already closed', () => {
  beforeAll(() => vi.stubGlobal('MediaStream', FakeMediaStream));
  afterAll(() => vi.unstubAllGlobals());

  it('delivered after its close (a batch sent again, late): refused, never consumed a second time', async () => {
    const { room, emit, subscriber } = setup();
    const { transport, finish } = slowTransport();
    const taking = subscriber.take(transport, [offer('c5')], () => true);
    finish(0);
    expect(await taking).toEqual([{ consumerId: 'c5', ok: true }]);
    subscriber.remove('c5');
    expect(emit).toHaveBeenCalledWith('streamRemoved', expect.objectContaining({ consumerId: 'c5' }));

    expect(await subscriber.take(transport, [offer('c5')], () => true)).toEqual([{ consumerId: 'c5', ok: false, error: 'closed by the host' }]);
    expect(transport.consume).toHaveBeenCalledTimes(1);
    expect(room.findStream('c5')).toBeUndefined();
  });

  it('of a participant who left: refused too', async () => {
    const { subscriber } = setup();
    const { transport, finish } = slowTransport();
    const taking = subscriber.take(transport, [offer('c6')], () => true);
    finish(0);
    await taking;
    subscriber.removeAllOf('ann');
    expect(await subscriber.take(transport, [offer('c6')], () => true)).toMatchObject([{ consumerId: 'c6', ok: false }]);
    expect(transport.consume).toHaveBeenCalledTimes(1);
  });
});

describe('Subscriber: a producer paused or resumed while its consumer is being set up', () => {
  beforeAll(() => vi.stubGlobal('MediaStream', FakeMediaStream));
  afterAll(() => vi.unstubAllGlobals());

  it('the change that arrived first wins over the offer it is newer than', async () => {
    const { room, subscriber } = setup();
    const { transport, finish } = slowTransport();
    // Offered while Ann's camera was on; she turns it off before the consume here is done.
    const taking = subscriber.take(transport, [offer('c7'), { ...offer('c8'), source: 'mic', kind: 'audio', producerPaused: true }], () => true);
    room.producerChanged('ann', 'p-c7', 'paused');
    room.producerChanged('ann', 'p-c8', 'paused');
    room.producerChanged('ann', 'p-c8', 'resumed');
    finish(0);
    finish(1);
    await taking;
    const ann = room.participants.get('ann')!;
    expect(ann.cameraOff).toBe(true);
    expect(ann.muted).toBe(false);
    expect(ann.earlyProducerChanges.size).toBe(0);
  });

  it('a participant who came back is listed as it is now: changes kept from before are forgotten', async () => {
    const { room, subscriber } = setup();
    const { transport, finish } = slowTransport();
    room.producerChanged('ann', 'p-c10', 'paused'); // its consume failed or never came; then Ann dropped
    room.peerJoined({ id: 'ann', displayName: 'Ann', isHost: true, handRaised: false, producers: [] });
    const taking = subscriber.take(transport, [offer('c10')], () => true); // offered with her camera on
    finish(0);
    await taking;
    expect(room.participants.get('ann')!.cameraOff).toBe(false);
  });

  it('no change meanwhile: the offer says', async () => {
    const { room, subscriber } = setup();
    const { transport, finish } = slowTransport();
    const taking = subscriber.take(transport, [{ ...offer('c9'), producerPaused: true }], () => true);
    finish(0);
    await taking;
    expect(room.participants.get('ann')!.cameraOff).toBe(true);
  });
});

describe("Subscriber: mediasoup-client's SDP state out of step", () => {
  it('"no media section found for reuseMid" on a whole offer rebuilds the receive side', async () => {
    vi.useFakeTimers();
    try {
      const emit = vi.fn();
      const room = new RoomState(emit);
      const onReceiveBroken = vi.fn();
      const subscriber = new Subscriber(room, { request: vi.fn() } as unknown as SignalingClient, emit, { onReceiveBroken });
      const transport = { closed: false, consume: vi.fn(async () => Promise.reject(new Error("no media section found for reuseMid '6'"))) };
      await subscriber.take(transport as unknown as types.Transport, [offer('c3'), offer('c4')], () => true);
      await vi.runAllTimersAsync();
      expect(onReceiveBroken).toHaveBeenCalledWith(expect.stringContaining('no media section'));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Subscriber: a consume that failed', () => {
  beforeAll(() => vi.stubGlobal('MediaStream', FakeMediaStream));
  afterAll(() => vi.unstubAllGlobals());

  const failingTransport = (error: Error) => {
    const transport = { closed: false, consume: vi.fn(() => Promise.reject(error)) };
    return transport as unknown as types.Transport & { consume: typeof transport.consume };
  };

  it('after mediasoup-client may have added its media section: asks for a new consumer, and never consumes that one again', async () => {
    const { subscriber } = setup();
    const transport = failingTransport(Object.assign(new Error('connect refused'), { name: 'ConnectionError' }));
    expect(await subscriber.take(transport, [offer('c1')], () => true)).toEqual([{ consumerId: 'c1', ok: false, error: 'connect refused', renew: true }]);
    expect(await subscriber.take(transport, [offer('c1')], () => true)).toMatchObject([{ consumerId: 'c1', ok: false, renew: true }]);
    expect(transport.consume).toHaveBeenCalledTimes(1);
  });

  it('refused by mediasoup-client before any SDP (unsupported parameters): the same consumer may be offered again', async () => {
    const { subscriber } = setup();
    const transport = failingTransport(Object.assign(new Error('cannot consume this Producer'), { name: 'UnsupportedError' }));
    expect(await subscriber.take(transport, [offer('c1')], () => true)).toEqual([{ consumerId: 'c1', ok: false, error: 'cannot consume this Producer' }]);
    await subscriber.take(transport, [offer('c1')], () => true);
    expect(transport.consume).toHaveBeenCalledTimes(2);
  });
});
