import { EventEmitter } from 'eventemitter3';
import type { types } from 'mediasoup-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NetworkWatcher, type NetworkEvents, type NetworkWatcherOptions, type WatchedMeeting } from './NetworkWatcher';

/** A mediasoup-client transport as the watcher sees it: state events and traffic counters. */
class FakeTransport extends EventEmitter {
  readonly observer = new EventEmitter();
  connectionState = 'connected';
  closed = false;
  /** RTP media received. */
  bytesReceived = 0;
  /** Other bytes received: RTCP feedback, SCTP data and acknowledgements. */
  otherReceived = 0;
  bytesSent = 0;
  /** Media bytes arriving per 100 ms (media ≈ 5 KB, nothing = 0). */
  inflow = 5_000;
  /** Other bytes arriving per 100 ms (a file ≈ 500 KB, its acknowledgements ≈ 2 KB). */
  otherInflow = 0;
  /** Bytes sent per 100 ms (media or file data). */
  outflow = 0;
  /** mediasoup's bandwidth probation padding received (its own RTP stream). */
  probation = 0;
  readonly #timer = setInterval(() => {
    this.bytesReceived += this.inflow;
    this.otherReceived += this.otherInflow;
    this.bytesSent += this.outflow;
  }, 100);
  constructor(
    readonly id: string,
    readonly direction: 'send' | 'recv',
  ) {
    super();
  }
  /** A UDP candidate pair in the stats (as Chromium reports one), the checks sent on it and the answers to them. */
  udpPair = false;
  udpAnswers = 0;
  udpChecks = 0;
  /** A second pair the browser keeps checking, never answered (a candidate that does not work); CP1 is selected then. */
  deadPairChecks?: number;
  async getStats() {
    const selected = this.deadPairChecks === undefined ? {} : { selectedCandidatePairId: 'CP1' };
    const report = new Map<string, object>([
      ['t', { type: 'transport', id: 't', bytesReceived: this.bytesReceived + this.otherReceived, bytesSent: this.bytesSent, ...selected }],
      ['in', { type: 'inbound-rtp', id: 'in', bytesReceived: this.bytesReceived }],
      ['probe', { type: 'inbound-rtp', id: 'probe', mid: 'probator', ssrc: 1234, bytesReceived: this.probation }],
    ]);
    if (this.udpPair) {
      report.set('L1', { type: 'local-candidate', id: 'L1', protocol: 'udp' });
      report.set('CP1', { type: 'candidate-pair', id: 'CP1', localCandidateId: 'L1', responsesReceived: this.udpAnswers, requestsSent: this.udpChecks });
    }
    if (this.deadPairChecks !== undefined) {
      report.set('L2', { type: 'local-candidate', id: 'L2', protocol: 'tcp' });
      report.set('CP2', { type: 'candidate-pair', id: 'CP2', localCandidateId: 'L2', responsesReceived: 0, requestsSent: this.deadPairChecks });
    }
    return report;
  }
  stop(): void {
    clearInterval(this.#timer);
  }
  setState(state: string): void {
    this.connectionState = state;
    this.emit('connectionstatechange', state);
  }
}

function setup(options: { answers: boolean; iceRecovers: boolean; answerAfterMs?: number; watcher?: NetworkWatcherOptions }) {
  const network = new EventTarget();
  const events: NetworkEvents = {
    addEventListener: (type, listener) => network.addEventListener(type, listener),
    removeEventListener: (type, listener) => network.removeEventListener(type, listener),
  };
  const meeting = {
    state: 'connected',
    expectsMedia: vi.fn(() => true),
    signalingAnswers: vi.fn(async (_timeoutMs: number) => {
      if (options.answerAfterMs) await new Promise((resolve) => setTimeout(resolve, options.answerAfterMs));
      return options.answers;
    }),
    restartIce: vi.fn(async (transport: types.Transport) => {
      if (options.iceRecovers) (transport as unknown as FakeTransport).inflow = 5_000;
    }),
    rejoinNow: vi.fn(),
    abandonConnectAttempt: vi.fn(),
  } satisfies WatchedMeeting;
  const watcher = new NetworkWatcher(meeting, events, { probeTimeoutMs: 50, iceRestartGraceMs: 600, silenceMs: 400, pollMs: 100, ...options.watcher });
  const send = new FakeTransport('send', 'send');
  const recv = new FakeTransport('recv', 'recv');
  watcher.watchTransport(send as unknown as types.Transport);
  watcher.watchTransport(recv as unknown as types.Transport);
  const goOnline = () => network.dispatchEvent(new Event('online'));
  const done = () => {
    watcher.dispose();
    send.stop();
    recv.stop();
  };
  return { watcher, meeting, send, recv, goOnline, done };
}

/** Fake time (the watcher's timers and Date): the same verdicts however busy the machine is. */
const settle = async (ms = 200) => void (await vi.advanceTimersByTimeAsync(ms));

describe('network watcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a transport losing its path while signaling works: ICE restart on that transport only, no rejoin', async () => {
    const { meeting, recv, watcher, done } = setup({ answers: true, iceRecovers: true });
    recv.inflow = 0;
    recv.setState('disconnected');
    await settle(800);
    expect(meeting.restartIce).toHaveBeenCalledTimes(1);
    expect(meeting.restartIce.mock.calls[0]![0]).toBe(recv);
    expect(meeting.rejoinNow).not.toHaveBeenCalled();
    expect(watcher.tcpOnly).toBe(false);
    done();
  });

  it('the host no longer answers (the socket died with the old address): a new connection at once, resuming the session', async () => {
    const { meeting, send, recv, done } = setup({ answers: false, iceRecovers: false });
    send.setState('disconnected');
    recv.setState('disconnected');
    await settle();
    expect(meeting.rejoinNow.mock.calls).toEqual([[expect.stringContaining('the host does not answer'), { keepSession: true }]]);
    expect(meeting.restartIce).not.toHaveBeenCalled();
    done();
  });

  it('media that stops arriving with no state change (UDP blocked): ICE restart, then a rejoin over TCP when it still does not flow', async () => {
    const { meeting, send, recv, watcher, done } = setup({ answers: true, iceRecovers: false });
    await settle(300); // media flowing
    recv.inflow = 0;
    send.inflow = 0; // a dead path silences both transports
    await settle(1_600); // silence noticed (400 ms), restart, grace (600 ms)
    expect(meeting.restartIce).toHaveBeenCalledTimes(1);
    expect(meeting.rejoinNow).toHaveBeenCalledTimes(1);
    expect(meeting.rejoinNow.mock.calls[0]).toEqual([expect.stringMatching(/TCP/), { keepSession: false }]);
    expect(watcher.tcpOnly).toBe(true);
    done();
  });

  it('the host stops answering (address changed): the probe goes out early in the silence, so the rejoin starts when the silence counts, not a probe timeout later', async () => {
    // A dead path: the probe only fails at its timeout (1 s here). Silence counts at 2 s.
    const { meeting, send, recv, done } = setup({ answers: false, iceRecovers: false, answerAfterMs: 1_000, watcher: { silenceMs: 2_000, probeTimeoutMs: 1_000 } });
    await settle(300); // media flowing
    recv.inflow = 0;
    send.inflow = 0; // a dead path silences both transports
    await settle(2_600); // probe sent at ~0.7 s of silence, failed at ~1.7 s: rejoin at ~2.1 s; a probe sent at 2 s would fail only at ~3.1 s
    expect(meeting.rejoinNow).toHaveBeenCalledTimes(1);
    expect(meeting.signalingAnswers).toHaveBeenCalledTimes(1);
    done();
  });

  it('with its defaults, a dead path (the probe is never answered) is repaired within 1.25 s of the last packet', async () => {
    // Lab, address change: detection was 2.1 s of the 3.9 s repair with a 1.5 s silence (2026-11-30); 1.6-1.8 s with a probe timeout not tied to the silence.
    const { meeting, send, recv, done } = setup({ answers: false, iceRecovers: false, watcher: { silenceMs: undefined, probeTimeoutMs: undefined, pollMs: undefined } });
    meeting.signalingAnswers.mockImplementation((timeoutMs: number) => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs)));
    await settle(600); // media flowing, seen by two polls
    [recv.inflow, send.inflow] = [0, 0]; // a dead path silences both transports
    await settle(1_250);
    expect(meeting.rejoinNow).toHaveBeenCalledTimes(1);
    // Sent at ~0.5 s of silence, given until the silence counts (~0.9 s): not a fixed 667 ms beyond it.
    expect(meeting.signalingAnswers.mock.calls).toEqual([[400]]);
    done();
  });

  it('a short gap in media (under the silence) sends one probe and repairs nothing', async () => {
    const { meeting, send, recv, done } = setup({ answers: true, iceRecovers: false, watcher: { silenceMs: 1_000 } });
    await settle(300);
    recv.inflow = 0;
    send.inflow = 0; // a dead path silences both transports
    await settle(600); // past probeAfterMs (333), well short of silenceMs (1 s)
    recv.inflow = 5_000;
    send.inflow = 5_000;
    await settle(800);
    expect(meeting.signalingAnswers).toHaveBeenCalledTimes(1);
    expect(meeting.restartIce).not.toHaveBeenCalled();
    expect(meeting.rejoinNow).not.toHaveBeenCalled();
    done();
  });

  it('UDP blocked: when no UDP check is answered after the ICE restart, the TCP fallback starts without waiting out the grace', async () => {
    const { meeting, send, recv, watcher, done } = setup({ answers: true, iceRecovers: false, watcher: { iceRestartGraceMs: 3_000, udpVerdictMs: 300 } });
    recv.udpPair = true;
    await settle(300);
    recv.inflow = 0;
    send.inflow = 0; // a dead path silences both transports
    await settle(2_000); // silence (400 ms) + restart + verdict (300 ms) + a poll ≈ 1.1 s; the grace would end only at ~3.5 s
    expect(meeting.restartIce).toHaveBeenCalledTimes(1);
    expect(meeting.rejoinNow).toHaveBeenCalledTimes(1);
    expect(meeting.rejoinNow.mock.calls[0]).toEqual([expect.stringMatching(/TCP/), { keepSession: false }]);
    expect(watcher.tcpOnly).toBe(true);
    done();
  });

  it('UDP checks answered after the ICE restart (no media yet): the whole grace is waited, no early TCP fallback', async () => {
    const { meeting, send, recv, done } = setup({ answers: true, iceRecovers: false, watcher: { iceRestartGraceMs: 3_000, udpVerdictMs: 300 } });
    recv.udpPair = true;
    await settle(300);
    recv.inflow = 0;
    send.inflow = 0; // a dead path silences both transports
    let answering: ReturnType<typeof setInterval> | undefined;
    meeting.restartIce.mockImplementation(async () => void (answering = setInterval(() => recv.udpAnswers++, 100)));
    await settle(2_000);
    clearInterval(answering);
    expect(meeting.restartIce).toHaveBeenCalledTimes(1);
    expect(meeting.rejoinNow).not.toHaveBeenCalled();
    done();
  });

  it('silence on a transport with nothing to receive (the only sender left) is left alone', async () => {
    const { meeting, recv, done } = setup({ answers: true, iceRecovers: false });
    await settle(300);
    meeting.expectsMedia.mockReturnValue(false);
    recv.inflow = 0;
    await settle(1_000);
    expect(meeting.signalingAnswers).not.toHaveBeenCalled();
    expect(meeting.restartIce).not.toHaveBeenCalled();
    done();
  });

  it('media stopping while ICE checks still get answers is not a dead path: no rejoin', async () => {
    const { meeting, recv, watcher, done } = setup({ answers: true, iceRecovers: false });
    await settle(300);
    recv.inflow = 0;
    meeting.restartIce.mockImplementation(async () => {
      recv.inflow = 10; // ICE check responses only
    });
    await settle(1_600);
    expect(meeting.rejoinNow).not.toHaveBeenCalled();
    expect(watcher.tcpOnly).toBe(false);
    done();
  });

  it('a transport that only ever carried keepalives is not a dead path when it stays quiet', async () => {
    const { meeting, recv, send, done } = setup({ answers: true, iceRecovers: true });
    recv.inflow = 10;
    send.inflow = 10;
    await settle(1_000);
    recv.inflow = 0;
    send.inflow = 0;
    await settle(1_000);
    expect(meeting.signalingAnswers).not.toHaveBeenCalled();
    done();
  });

  it('a sending transport whose payload stops (a paused file transfer) is no dead path; payload that goes unanswered is', async () => {
    const { meeting, send, recv, done } = setup({ answers: true, iceRecovers: false });
    recv.inflow = 0;
    send.inflow = 0; // no media sent, so no media feedback
    send.outflow = 500_000; // file data
    send.otherInflow = 2_000; // its acknowledgements
    await settle(500);
    send.outflow = 0;
    send.otherInflow = 0;
    await settle(1_500);
    expect(meeting.signalingAnswers).not.toHaveBeenCalled();
    send.outflow = 500_000; // sending again, and nothing comes back
    await settle(1_500);
    expect(meeting.restartIce).toHaveBeenCalledTimes(1);
    expect(meeting.restartIce.mock.calls[0]![0]).toBe(send);
    done();
  });

  it("a sending transport's feedback held up while the receiving one is still fed (a congested downlink) is no dead path", async () => {
    const { meeting, send, recv, done } = setup({ answers: true, iceRecovers: false });
    send.inflow = 0;
    send.outflow = 50_000; // camera sent, and no RTCP comes back for 1.5 s
    await settle(1_500);
    expect(meeting.signalingAnswers).not.toHaveBeenCalled();
    expect(meeting.restartIce).not.toHaveBeenCalled();
    recv.inflow = 0; // now nothing arrives at all: the path is dead
    await settle(1_200);
    expect(meeting.restartIce).toHaveBeenCalled();
    done();
  });

  it('both transports going silent a moment apart (UDP blocked): the later one does not vouch for the earlier for ever', async () => {
    // Lab, UDP blocked mid-call (CI, 2026-12-01): the receiving transport's media stopped a moment
    // before the sending one's feedback, and the sending transport (its sends failing, so it owed
    // nothing) kept "proving" the path alive: the repair waited 3.8 s for unanswered ICE checks.
    const { meeting, send, recv, done } = setup({ answers: true, iceRecovers: false });
    await settle(300); // media flowing
    recv.inflow = 0;
    await settle(150); // the sending transport hears its last feedback after the receiving one's last media
    send.inflow = 0;
    await settle(900); // silence (400 ms) from the receiving transport's last media, plus polls
    expect(meeting.restartIce).toHaveBeenCalled();
    expect(meeting.restartIce.mock.calls[0]![0]).toBe(recv);
    done();
  });

  it('file data arriving fast, then stopping while a producer is unpaused (a still screen share) is no dead path', async () => {
    const { meeting, recv, send, done } = setup({ answers: true, iceRecovers: false });
    send.inflow = 0;
    recv.inflow = 10; // the screen share: next to nothing
    recv.otherInflow = 500_000;
    await settle(500);
    recv.otherInflow = 0;
    await settle(1_500);
    expect(meeting.signalingAnswers).not.toHaveBeenCalled();
    done();
  });

  it('a quiet transport: ICE checks answered, or one lost, is no dead path; checks that keep going unanswered are', async () => {
    const { meeting, recv, send, done } = setup({ answers: true, iceRecovers: false });
    send.inflow = 0;
    recv.inflow = 0;
    recv.udpPair = true;
    const checking = setInterval(() => {
      recv.udpChecks++;
      recv.udpAnswers++;
    }, 300);
    await settle(1_200);
    clearInterval(checking);
    recv.udpChecks++; // lost once, then answered again
    await settle(700);
    recv.udpChecks++;
    recv.udpAnswers++;
    await settle(1_200);
    expect(meeting.signalingAnswers).not.toHaveBeenCalled();
    recv.udpChecks++;
    await settle(300);
    recv.udpChecks++;
    await settle(1_200);
    expect(meeting.restartIce).toHaveBeenCalledTimes(1);
    expect(meeting.restartIce.mock.calls[0]![0]).toBe(recv);
    done();
  });

  it('checks going unanswered on a pair other than the selected one are no dead path', async () => {
    const { meeting, recv, send, done } = setup({ answers: true, iceRecovers: false });
    send.inflow = 0;
    recv.inflow = 0;
    recv.udpPair = true;
    recv.deadPairChecks = 0;
    const checking = setInterval(() => recv.deadPairChecks!++, 200);
    await settle(2_000);
    clearInterval(checking);
    expect(meeting.signalingAnswers).not.toHaveBeenCalled();
    done();
  });

  it("mediasoup's probation bursts toward a consumer whose producer sends nothing are not media that stopped", async () => {
    const { meeting, recv, send, done } = setup({ answers: true, iceRecovers: false });
    send.inflow = 0;
    recv.inflow = 0;
    const bursts = setInterval(() => {
      recv.probation += 8_000;
      recv.otherReceived += 8_000;
    }, 1_500);
    await settle(3_200);
    clearInterval(bursts);
    expect(meeting.signalingAnswers).not.toHaveBeenCalled();
    done();
  });

  it('the network coming back: ICE restart on both transports, a backoff wait cut short, UDP allowed again', async () => {
    const { watcher, meeting, goOnline, done } = setup({ answers: true, iceRecovers: true });
    const started = Date.now();
    const sleeping = watcher.sleep(10_000);
    goOnline();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1_000);
    await settle(800);
    expect(meeting.restartIce).toHaveBeenCalledTimes(2);
    expect(meeting.rejoinNow).not.toHaveBeenCalled();
    done();
  });

  it('the network coming back while a rejoin is connecting: that attempt is abandoned and the next one does not wait', async () => {
    const { watcher, meeting, goOnline, done } = setup({ answers: true, iceRecovers: true });
    meeting.state = 'reconnecting';
    goOnline(); // no backoff wait in progress: a connection attempt is
    expect(meeting.abandonConnectAttempt).toHaveBeenCalledTimes(1);
    const started = Date.now();
    await watcher.sleep(10_000);
    expect(Date.now() - started).toBeLessThan(100);
    // Only that one wait is skipped.
    const second = Date.now();
    const waiting = watcher.sleep(300);
    await settle(300);
    await waiting;
    expect(Date.now() - second).toBeGreaterThanOrEqual(300);
    meeting.state = 'connected';
    goOnline();
    expect(meeting.abandonConnectAttempt).toHaveBeenCalledTimes(1);
    done();
  });

  it('does nothing while not in a meeting, nor after dispose', async () => {
    const { watcher, meeting, recv, goOnline, done } = setup({ answers: false, iceRecovers: false });
    meeting.state = 'reconnecting';
    recv.setState('disconnected');
    goOnline();
    await settle();
    meeting.state = 'connected';
    watcher.dispose();
    recv.inflow = 0;
    recv.setState('failed');
    await settle(800);
    expect(meeting.signalingAnswers).not.toHaveBeenCalled();
    expect(meeting.rejoinNow).not.toHaveBeenCalled();
    done();
  });
});
