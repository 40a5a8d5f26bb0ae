import { EventEmitter } from 'eventemitter3';
import type { types } from 'mediasoup-client';
import { describe, expect, it, vi } from 'vitest';
import { NetworkWatcher, type WatchedMeeting } from './NetworkWatcher';

/** A receiving transport with `streams` inbound RTP streams, counting how often its stats are read. */
class CountedTransport extends EventEmitter {
  readonly observer = new EventEmitter();
  readonly direction = 'recv';
  connectionState = 'connected';
  closed = false;
  reads = 0;
  flowing = true;
  #bytes = 0;
  readonly #timer = setInterval(() => this.flowing && (this.#bytes += 5_000), 50);
  constructor(
    readonly id: string,
    readonly streams: number,
  ) {
    super();
  }
  async getStats() {
    this.reads += 1;
    const report = new Map<string, object>([['t', { type: 'transport', id: 't', bytesReceived: this.#bytes, bytesSent: 0 }]]);
    for (let i = 0; i < this.streams; i++) report.set(`in${i}`, { type: 'inbound-rtp', id: `in${i}`, bytesReceived: i === 0 ? this.#bytes : 0 });
    return report;
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

function watch(streams: number) {
  const meeting = {
    state: 'connected',
    expectsMedia: () => true,
    signalingAnswers: vi.fn(async () => false),
    restartIce: vi.fn(async () => undefined),
    rejoinNow: vi.fn(),
  } satisfies WatchedMeeting;
  const watcher = new NetworkWatcher(meeting, undefined, { pollMs: 100, silenceMs: 400, probeTimeoutMs: 50 });
  const transport = new CountedTransport(`t${streams}`, streams);
  watcher.watchTransport(transport as unknown as types.Transport);
  const done = () => {
    watcher.dispose();
    transport.stop();
  };
  return { meeting, transport, done };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('network watcher: what its polling costs', () => {
  it('reads a transport with many streams less often, in proportion, at most four times less', async () => {
    const small = watch(2);
    const big = watch(64);
    const bigger = watch(200);
    await settle(2_000);
    // 100 ms polls: ~20 reads of the small one; the 64-stream one every 400 ms (~5), the 200-stream one no rarer.
    expect(small.transport.reads).toBeGreaterThanOrEqual(12); // a loaded machine fires some polls late
    expect(big.transport.reads).toBeGreaterThanOrEqual(3);
    expect(big.transport.reads).toBeLessThanOrEqual(7);
    expect(bigger.transport.reads).toBeGreaterThanOrEqual(3);
    for (const w of [small, big, bigger]) w.done();
  });

  it('still notices a dead path on a big transport: rejoined within a stretched poll of the silence', async () => {
    const big = watch(64);
    await settle(1_000);
    big.transport.flowing = false;
    await settle(1_300); // silence 400 ms, noticed at a read up to 400 ms later, probe 50 ms
    expect(big.meeting.rejoinNow).toHaveBeenCalledTimes(1);
    big.done();
  });
});
