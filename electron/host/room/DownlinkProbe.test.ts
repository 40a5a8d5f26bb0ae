import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isShortOfVideo, probeWhileShort, type ProbedConsumer, type ProbedTransport } from './DownlinkProbe';

function consumer(overrides: Partial<ProbedConsumer> = {}): ProbedConsumer {
  return {
    kind: 'video',
    type: 'simulcast',
    closed: false,
    paused: false,
    producerPaused: false,
    preferredLayers: { spatialLayer: 1, temporalLayer: 2 },
    currentLayers: { spatialLayer: 1, temporalLayer: 2 },
    score: { score: 10, producerScore: 10, producerScores: [10, 10, 10] },
    ...overrides,
  };
}

class FakeTransport implements ProbedTransport {
  closed = false;
  readonly observer = new EventEmitter();
  readonly maxima: number[] = [];
  estimate = 420_000;
  async getStats() {
    return [{ availableOutgoingBitrate: this.estimate }];
  }
  async setMaxOutgoingBitrate(bitrate: number) {
    this.maxima.push(bitrate);
  }
  close() {
    this.closed = true;
    this.observer.emit('close');
  }
}

describe('isShortOfVideo', () => {
  it('is short when a live video consumer gets a lower layer than it asked for, or none', () => {
    expect(isShortOfVideo([consumer()])).toBe(false);
    expect(isShortOfVideo([consumer(), consumer({ currentLayers: { spatialLayer: 0, temporalLayer: 2 } })])).toBe(true);
    expect(isShortOfVideo([consumer({ currentLayers: undefined })])).toBe(true);
  });

  it('is not short for what the downlink cannot fix: paused, audio, a layer the sender does not send', () => {
    const low = { currentLayers: { spatialLayer: 0, temporalLayer: 0 } };
    expect(isShortOfVideo([consumer({ ...low, paused: true })])).toBe(false);
    expect(isShortOfVideo([consumer({ ...low, producerPaused: true })])).toBe(false);
    expect(isShortOfVideo([consumer({ ...low, kind: 'audio', type: 'simple' })])).toBe(false);
    expect(isShortOfVideo([consumer({ ...low, score: { score: 10, producerScore: 10, producerScores: [10, 0, 0] } })])).toBe(false);
  });
});

describe('probeWhileShort', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('while short, lowers the maximum to the estimate and lifts it again (a probe) every interval; not when not short', async () => {
    const transport = new FakeTransport();
    const consumers = [consumer({ currentLayers: { spatialLayer: 0, temporalLayer: 1 } })];
    probeWhileShort(transport, () => consumers, { intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(transport.maxima).toEqual([420_000, 0]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(transport.maxima).toEqual([420_000, 0, 420_000, 0]);
    consumers[0] = consumer();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(transport.maxima).toHaveLength(4);
  });

  it('never sets a maximum below what mediasoup accepts, and stops when the transport closes', async () => {
    const transport = new FakeTransport();
    transport.estimate = 12_000;
    probeWhileShort(transport, () => [consumer({ currentLayers: undefined })], { intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(transport.maxima).toEqual([30_000, 0]);
    transport.close();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(transport.maxima).toHaveLength(2);
  });

  it('a failing transport is reported, not thrown, and probing goes on', async () => {
    const transport = new FakeTransport();
    const errors: unknown[] = [];
    transport.setMaxOutgoingBitrate = vi.fn().mockRejectedValueOnce(new Error('worker busy')).mockResolvedValue(undefined);
    probeWhileShort(transport, () => [consumer({ currentLayers: undefined })], { intervalMs: 1_000, onError: (e) => errors.push(e) });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(errors).toHaveLength(1);
    expect(transport.setMaxOutgoingBitrate).toHaveBeenCalledTimes(3);
  });
});
