import { EventEmitter } from 'eventemitter3';
import type { types } from 'mediasoup-client';
import { describe, expect, it, vi } from 'vitest';
import { NetworkWatcher, type WatchedMeeting } from './NetworkWatcher';

/** A transport whose bytes keep arriving, in the state the test sets. */
class LiveTransport extends EventEmitter {
  readonly observer = new EventEmitter();
  closed = false;
  #bytes = 0;
  readonly #timer = setInterval(() => (this.#bytes += 5_000), 50);
  constructor(
    readonly id: string,
    readonly direction: 'send' | 'recv',
    public connectionState: string,
  ) {
    super();
  }
  async getStats() {
    return new Map<string, object>([['t', { type: 'transport', id: 't', bytesReceived: this.#bytes, bytesSent: this.#bytes }]]);
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

function watch(sendState: string, recvState: string, hostAnswers = true) {
  const meeting = {
    state: 'connected',
    expectsMedia: () => true,
    signalingAnswers: vi.fn(async () => hostAnswers),
    restartIce: vi.fn(async (_transport: types.Transport) => undefined),
    rejoinNow: vi.fn(),
  } satisfies WatchedMeeting;
  const watcher = new NetworkWatcher(meeting, undefined, { pollMs: 100, silenceMs: 400, probeTimeoutMs: 50, iceRestartGraceMs: 600 });
  const send = new LiveTransport('send', 'send', sendState);
  const recv = new LiveTransport('recv', 'recv', recvState);
  watcher.watchTransport(send as unknown as types.Transport);
  watcher.watchTransport(recv as unknown as types.Transport);
  const done = () => {
    watcher.dispose();
    send.stop();
    recv.stop();
  };
  return { meeting, watcher, send, recv, done };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('network watcher: after a resume', () => {
  it('a short drop: only a transport that is not connected gets an ICE restart', async () => {
    const { meeting, watcher, recv, done } = watch('connected', 'disconnected');
    watcher.recheck('resumed');
    await settle(500);
    expect(meeting.restartIce.mock.calls.map(([transport]) => transport)).toEqual([recv]);
    expect(meeting.rejoinNow).not.toHaveBeenCalled();
    done();
  });

  it('a short drop with both transports connected: nothing to repair', async () => {
    const { meeting, watcher, done } = watch('connected', 'connected');
    watcher.recheck('resumed');
    await settle(300);
    expect(meeting.restartIce).not.toHaveBeenCalled();
    done();
  });

  it('a long drop: both transports get an ICE restart at once, although their state still says connected', async () => {
    const { meeting, watcher, send, recv, done } = watch('connected', 'connected');
    watcher.recheck('resumed', true);
    await settle(500);
    expect(meeting.restartIce.mock.calls.map(([transport]) => transport)).toEqual([send, recv]);
    expect(meeting.rejoinNow).not.toHaveBeenCalled();
    done();
  });

  it('resumed because the host stopped answering (its socket died with the old address): both transports get an ICE restart', async () => {
    const { meeting, watcher, send, recv, done } = watch('connected', 'connected', false);
    recv.connectionState = 'disconnected';
    recv.emit('connectionstatechange', 'disconnected');
    await settle(200);
    expect(meeting.rejoinNow.mock.calls).toEqual([[expect.stringContaining('the host does not answer'), { keepSession: true }]]);
    // Resumed on a new connection; the transports still say connected (their old pair is not yet known dead).
    recv.connectionState = 'connected';
    meeting.signalingAnswers.mockResolvedValue(true);
    watcher.recheck('resumed');
    await settle(500);
    expect(meeting.restartIce.mock.calls.map(([transport]) => transport)).toEqual([send, recv]);
    // Only that resume: the next short drop repairs only what is broken.
    meeting.restartIce.mockClear();
    watcher.recheck('resumed');
    await settle(300);
    expect(meeting.restartIce).not.toHaveBeenCalled();
    done();
  });
});
