import type { types } from 'mediasoup-client';
import { checksSince, pathAnsweredSince, pathStats, udpAnsweredSince, type PathStats } from './pathStats';

/** What the watcher needs from the meeting it looks after. */
export interface WatchedMeeting {
  /** 'connected' while in the meeting; 'reconnecting' while rejoining. */
  readonly state: string;
  /** Whether the host still answers on the signaling connection within `timeoutMs`. */
  signalingAnswers(timeoutMs: number): Promise<boolean>;
  /**
   * Whether media should be arriving on this receiving transport now (a live consumer of an
   * unpaused producer). Its silence is only suspicious then: a transport whose only sender left is
   * quiet for a good reason. (A sending transport is judged by the answers to what it sends.)
   */
  expectsMedia(transport: types.Transport): boolean;
  /** Restarts ICE on one transport (new ICE parameters from the host, then locally). */
  restartIce(transport: types.Transport): Promise<void>;
  /**
   * The path is dead: drop signaling and rejoin now (resume token), without backoff. With
   * `keepSession` the media session is resumed on a new connection if the host still holds it
   * (the watcher then restarts ICE on both transports: `recheck`), instead of being rebuilt.
   */
  rejoinNow(reason: string, options?: { keepSession?: boolean }): void;
  /** The network changed while rejoining: a connection attempt in flight (sent on the old network) should start over. */
  abandonConnectAttempt?(): void;
  /** Told of every repair the watcher starts (diagnostics). */
  repairing?(event: { action: NetworkRepair; reason: string }): void;
}

export type NetworkRepair = 'iceRestart' | 'resume' | 'rejoin';

/** Where network changes come from: the browser's `online` event and Network Information API. */
export interface NetworkEvents {
  addEventListener(type: 'online', listener: () => void): void;
  removeEventListener(type: 'online', listener: () => void): void;
  connection?: { addEventListener(type: 'change', listener: () => void): void; removeEventListener(type: 'change', listener: () => void): void };
}

export interface NetworkWatcherOptions {
  /**
   * The least time the host is given to answer a liveness probe (a probe sent during a silence is
   * given until the silence counts, if that is longer). Default 400 ms.
   */
  probeTimeoutMs?: number;
  /** After an ICE restart, how long the path may take to carry packets again before the TCP fallback. */
  iceRestartGraceMs?: number;
  /**
   * After an ICE restart, when no packet and no answer to any UDP connectivity check has come back
   * for this long, UDP is blocked: the TCP fallback starts without waiting out the whole grace.
   * Default 1.5 s (lab: the first UDP answer after an address change came 0.8–1.0 s after the restart).
   */
  udpVerdictMs?: number;
  /** A transport that was carrying media and then receives nothing at all this long has lost its path. */
  silenceMs?: number;
  /** How often received byte counts are read (two getStats calls a read): a silence is noticed up to this much late. */
  pollMs?: number;
  /**
   * A transport silent this long gets the host asked at once whether it still answers, so the
   * answer is in by the time the silence counts (`silenceMs`): the repair then starts without
   * waiting out a probe (up to `probeTimeoutMs` on a dead path). Default: a third of `silenceMs`.
   */
  probeAfterMs?: number;
}

/**
 * Bytes per second above which a transport is carrying payload (media, file data): ICE keepalives,
 * RTCP reports and SCTP acknowledgements alone are far below.
 */
const MEDIA_BYTES_PER_SECOND = 2_000;
/**
 * ICE checks unanswered before their silence counts: a live path answers every check within a
 * round trip, and the ICE agent repeats an unanswered one within half a second; one lost on a
 * lossy link must not cost a repair.
 */
const UNANSWERED_CHECKS = 2;
/**
 * A transport with more RTP streams than this is read less often, in proportion, up to
 * MAX_POLL_STRETCH times the poll: a full stats report grows with its streams (~60 on a receiving
 * transport in a 50-person meeting, where four reads a second were a sixth of a Node client's time),
 * and a dead path is then noticed up to one stretched poll later.
 */
const STREAMS_PER_POLL = 16;
const MAX_POLL_STRETCH = 4;

/** What a transport received and sent up to the last read, and what a live path owes it since. */
interface Heard {
  stats: PathStats;
  at: number;
  /** When anything last arrived: payload, RTCP, DTLS, or an answer to an ICE check. */
  arrivedAt: number;
  /** Media (RTP at a media rate: not only keepalives, not file data) was arriving at the last arrival. */
  carryingMedia: boolean;
  /**
   * Since when (the read before it was seen) something went out that a live path answers within a
   * round trip and nothing has arrived: payload sent on a sending transport (RTP gets RTCP
   * feedback, SCTP data gets acknowledgements), or ICE checks (STUN consent).
   */
  owedSince?: number;
  /** Payload went out since the last arrival (sending transports only). */
  payloadOwed: boolean;
  /** ICE checks sent since the last arrival. */
  unansweredChecks: number;
  /** The host's answer to a probe sent during this silence (none yet: undefined). */
  probe?: Promise<boolean>;
}

/**
 * Network resilience on the client: notices a network change (the laptop went online again,
 * switched networks, a transport lost its path) much sooner than socket.io's ping timeout would,
 * and picks the cheapest repair that works:
 *  - the host still answers on signaling → ICE restart on the affected transports (new candidates);
 *    when media still does not flow, UDP is what is blocked: rejoin with ICE over TCP only;
 *  - it does not (the socket died with the old address or link) → a new connection at once instead
 *    of waiting out the ping timeout, which resumes the session (the host keeps its transports,
 *    producers and consumers: the others see no stream go) and restarts ICE on both transports
 *    from the new address; a rejoin only if the host no longer holds the session;
 *  - a silent path counts as a change (a firewall rule, a dead path) even when the browser reports
 *    nothing. Liveness is judged on what a live path must keep answering, whatever the transport
 *    carries (media, file data, both, nothing): feedback to payload sent, answers to ICE checks,
 *    and on a receiving transport the media of unpaused producers. Payload that merely stops (a
 *    paused file transfer, a static screen share) is not a dead path;
 *  - while rejoining, a network change cuts the backoff wait short (`sleep`).
 */
export class NetworkWatcher {
  readonly #meeting: WatchedMeeting;
  readonly #events: NetworkEvents | undefined;
  readonly #probeTimeoutMs: number;
  readonly #graceMs: number;
  readonly #udpVerdictMs: number;
  readonly #silenceMs: number;
  readonly #transports = new Set<types.Transport>();
  readonly #pollMs: number;
  readonly #probeAfterMs: number;
  #silenceTimer?: ReturnType<typeof setInterval>;
  readonly #heard = new Map<types.Transport, Heard>();
  /** When a transport's stats are read next (a big report is read less often). */
  readonly #nextReadAt = new Map<types.Transport, number>();
  #tcpOnly = false;
  readonly #wakers = new Set<() => void>();
  /** A network change that no backoff wait has seen yet: the next wait is skipped. */
  #changeUnseen = false;
  #checking?: Promise<void>;
  /** The session is being resumed because its path went silent: both transports need new ICE. */
  #resumingSilentPath = false;
  #disposed = false;

  constructor(meeting: WatchedMeeting, events: NetworkEvents | undefined = defaultEvents(), options: NetworkWatcherOptions = {}) {
    this.#meeting = meeting;
    this.#events = events;
    this.#graceMs = options.iceRestartGraceMs ?? 1_500;
    this.#udpVerdictMs = options.udpVerdictMs ?? 1_500;
    // Media (audio alone is 50 packets a second) does not stop for 1 s on a working path; the lab's
    // address change measured detection as the largest part of the repair (2.1 of 3.9 s at 1.5 s).
    this.#silenceMs = options.silenceMs ?? 1_000;
    this.#pollMs = options.pollMs ?? 250;
    this.#probeAfterMs = options.probeAfterMs ?? Math.round(this.#silenceMs / 3);
    // A host that takes longer than this to answer a ping while no media arrives is as good as
    // unreachable: the repair (a resume on a new connection) is cheap, a dead path is not.
    this.#probeTimeoutMs = options.probeTimeoutMs ?? 400;
    events?.addEventListener('online', this.#onNetworkChange);
    events?.connection?.addEventListener('change', this.#onNetworkChange);
  }

  /** UDP to the host stopped working while TCP did: new transports should offer only TCP candidates. */
  get tcpOnly(): boolean {
    return this.#tcpOnly;
  }

  /** Follows a transport's connection state and traffic until it closes. */
  watchTransport(transport: types.Transport): void {
    this.#transports.add(transport);
    this.#resumingSilentPath = false; // new transports (a rejoin): nothing of the old path to restart
    // Polled only while there is something to watch: an idle Conference holds no timer.
    this.#silenceTimer ??= setInterval(() => void this.#listenForSilence(), this.#pollMs);
    transport.observer.once('close', () => {
      this.#transports.delete(transport);
      this.#heard.delete(transport);
      this.#nextReadAt.delete(transport);
      if (this.#transports.size === 0) this.#stopPolling();
    });
    let wasConnected = false;
    transport.on('connectionstatechange', (state) => {
      // 'connecting' again after 'connected': the browser dropped the pair (its local address went away).
      if (state === 'disconnected' || state === 'failed' || (state === 'connecting' && wasConnected)) {
        void this.#check(`media path ${state}`, [transport]);
      }
      if (state === 'connected') wasConnected = true;
    });
  }

  /**
   * After a resume: repairs now (ICE restart) a transport whose path broke meanwhile, rather than once
   * its silence shows; with `all`, every transport (the drop was long: the path may have died without
   * the transport's state saying so yet, and a restart on a live path costs one round trip).
   */
  recheck(reason: string, all = false): void {
    all ||= this.#resumingSilentPath;
    this.#resumingSilentPath = false;
    const broken = [...this.#transports].filter((t) => !t.closed && (all || (t.connectionState !== 'connected' && t.connectionState !== 'new')));
    if (broken.length > 0) void this.#check(reason, broken);
  }

  /** Waits `ms`, or less when the network changes meanwhile (a reconnect attempt is worth it now). */
  sleep(ms: number): Promise<void> {
    if (this.#changeUnseen) {
      this.#changeUnseen = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }

  dispose(): void {
    this.#disposed = true;
    this.#stopPolling();
    this.#events?.removeEventListener('online', this.#onNetworkChange);
    this.#events?.connection?.removeEventListener('change', this.#onNetworkChange);
    for (const wake of [...this.#wakers]) wake();
    this.#transports.clear();
  }

  #stopPolling(): void {
    clearInterval(this.#silenceTimer);
    this.#silenceTimer = undefined;
  }

  readonly #onNetworkChange = (): void => {
    this.#tcpOnly = false; // a new network: UDP may work again
    if (this.#meeting.state === 'reconnecting') {
      // Whatever the rejoin is doing now, it should try again at once on the new network.
      this.#changeUnseen = this.#wakers.size === 0;
      this.#meeting.abandonConnectAttempt?.();
    }
    for (const wake of [...this.#wakers]) wake();
    void this.#check('network changed', [...this.#transports]);
  };

  /** A path can die without any state change (a firewall starts dropping UDP): answers stop arriving. */
  async #listenForSilence(): Promise<void> {
    if (this.#disposed || this.#meeting.state !== 'connected' || this.#checking) return;
    for (const transport of this.#transports) {
      const heard = await this.#listen(transport);
      if (!heard) continue;
      const { silentMs, owed } = this.#silence(transport, heard);
      if (silentMs < this.#probeAfterMs || this.#siblingHeardSince(transport, heard.at - silentMs)) continue;
      // The silence began between the last read that saw bytes and the next: half a poll before it on average.
      const countsInMs = this.#silenceMs - this.#pollMs / 2 - silentMs;
      // Asked once per silence (an arrival starts a new `Heard`): a ping, harmless if traffic resumes;
      // its verdict is due when the silence counts.
      heard.probe ??= this.#meeting.signalingAnswers(Math.max(this.#probeTimeoutMs, countsInMs));
      if (countsInMs <= 0) {
        this.#heard.delete(transport);
        void this.#check(`nothing received for ${(silentMs / 1000).toFixed(1)} s (${owed})`, [transport], heard.probe);
      }
    }
  }

  /**
   * Whether another transport to the host received something after `since` and is still receiving.
   * The transports share the path to the host, so it is alive: feedback owed to one of them is late,
   * not lost for good (a congested downlink holds and drops the host's RTCP to a sending transport
   * while the receiving one is still fed). A dead path (link down, address gone, UDP blocked)
   * silences them all, a moment apart: a sibling that went quiet too proves nothing, however late
   * its last packet came.
   */
  #siblingHeardSince(transport: types.Transport, since: number): boolean {
    const recent = Date.now() - (this.#probeAfterMs + this.#pollMs);
    for (const [other, heard] of this.#heard) if (other !== transport && !other.closed && heard.arrivedAt > since && heard.arrivedAt > recent) return true;
    return false;
  }

  /** How long the transport has gone without something a live path would have delivered by now (0: nothing owed), and what. */
  #silence(transport: types.Transport, heard: Heard): { silentMs: number; owed: string } {
    // Media of unpaused producers keeps arriving on a live receiving path.
    const mediaSince = transport.direction !== 'send' && heard.carryingMedia && this.#meeting.expectsMedia(transport) ? heard.arrivedAt : undefined;
    // Payload sent and checks unanswered: the path owes an answer.
    const answerSince = heard.owedSince !== undefined && (heard.payloadOwed || heard.unansweredChecks >= UNANSWERED_CHECKS) ? heard.owedSince : undefined;
    if (mediaSince !== undefined && (answerSince === undefined || mediaSince <= answerSince)) return { silentMs: heard.at - mediaSince, owed: 'media expected' };
    if (answerSince === undefined) return { silentMs: 0, owed: '' };
    return { silentMs: heard.at - answerSince, owed: heard.payloadOwed ? 'what was sent is not answered' : 'ICE checks not answered' };
  }

  /** Reads the transport's stats and updates what we know about its traffic. */
  async #listen(transport: types.Transport): Promise<Heard | undefined> {
    if (transport.closed || transport.connectionState === 'new') return undefined;
    if (Date.now() < (this.#nextReadAt.get(transport) ?? 0)) return undefined;
    const stats = await pathStats(transport);
    if (!stats) return undefined;
    const now = Date.now();
    const stretch = Math.min(MAX_POLL_STRETCH, Math.max(1, stats.streams / STREAMS_PER_POLL));
    // Half a poll early: the tick that comes at the stretched time is not missed by a hair.
    this.#nextReadAt.set(transport, now + (stretch - 0.5) * this.#pollMs);
    const last = this.#heard.get(transport);
    let heard: Heard;
    if (!last) heard = { stats, at: now, arrivedAt: now, carryingMedia: false, payloadOwed: false, unansweredChecks: 0 };
    else {
      const seconds = Math.max(1, now - last.at) / 1000;
      if (stats.bytesReceived > last.stats.bytesReceived || pathAnsweredSince(last.stats, stats)) {
        // File data arriving fast says nothing about the media: a still screen share sends next to nothing.
        const mediaRate = (stats.mediaBytesReceived - last.stats.mediaBytesReceived) / seconds;
        heard = { stats, at: now, arrivedAt: now, carryingMedia: mediaRate >= MEDIA_BYTES_PER_SECOND, payloadOwed: false, unansweredChecks: 0 };
      } else {
        // What we send on a receiving transport (RTCP reports, SCTP acknowledgements) is not answered.
        const payloadOut = transport.direction === 'send' && (stats.bytesSent - last.stats.bytesSent) / seconds >= MEDIA_BYTES_PER_SECOND;
        const checks = checksSince(last.stats, stats);
        heard = {
          ...last,
          stats,
          at: now,
          payloadOwed: last.payloadOwed || payloadOut,
          unansweredChecks: last.unansweredChecks + checks,
          owedSince: last.owedSince ?? (payloadOut || checks > 0 ? last.at : undefined),
        };
      }
    }
    this.#heard.set(transport, heard);
    return heard;
  }

  /**
   * Whether packets arrive again on every transport within the grace period. False early when
   * nothing at all came back over UDP since the restart (no packet, no answer to any UDP check)
   * for `udpVerdictMs`: a working UDP path answers checks within a round trip.
   */
  async #flowing(transports: types.Transport[]): Promise<boolean> {
    const start = new Map<types.Transport, PathStats>();
    for (const t of transports) start.set(t, (await pathStats(t)) ?? { bytesReceived: 0, mediaBytesReceived: 0, bytesSent: 0, udpPairs: 0, pairs: new Map(), streams: 0 });
    const began = Date.now();
    while (Date.now() < began + this.#graceMs && !this.#disposed) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      let all = true;
      let udpSilent = true;
      for (const t of transports) {
        if (t.closed) continue;
        const before = start.get(t)!;
        const now = await pathStats(t);
        // Anything at all, even ICE check responses: the path works. Media itself may be absent
        // for a good reason (the only sender left, data channels only), which must not count as a dead path.
        if (!now || (now.bytesReceived <= before.bytesReceived && !pathAnsweredSince(before, now))) all = false;
        if (!now || now.udpPairs === 0 || now.bytesReceived > before.bytesReceived || udpAnsweredSince(before, now)) udpSilent = false;
      }
      if (all) return true;
      if (udpSilent && Date.now() - began >= this.#udpVerdictMs) return false;
    }
    return false;
  }

  /** One check at a time: a network change and both transports going down are one event. */
  #check(reason: string, transports: types.Transport[], answered?: Promise<boolean>): Promise<void> {
    if (this.#disposed || this.#meeting.state !== 'connected') return Promise.resolve();
    this.#checking ??= this.#repair(reason, transports, answered).finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  /** `answered`: the host's answer to a probe already sent during this silence (else one is sent now). */
  async #repair(reason: string, transports: types.Transport[], answered?: Promise<boolean>): Promise<void> {
    if (!(await (answered ?? this.#meeting.signalingAnswers(this.#probeTimeoutMs)))) {
      this.#rejoin(`${reason}; the host does not answer`, true);
      return;
    }
    const broken = transports.filter((t) => !t.closed);
    if (broken.length === 0) return;
    this.#meeting.repairing?.({ action: 'iceRestart', reason });
    const results = await Promise.allSettled(broken.map((t) => this.#meeting.restartIce(t)));
    if (results.some((r) => r.status === 'rejected')) {
      this.#rejoin(`${reason}; ICE restart refused`);
      return;
    }
    if (await this.#flowing(broken)) return;
    // Signaling (TCP) works but media does not come back: UDP is what is blocked.
    this.#tcpOnly = true;
    this.#rejoin(`${reason}; media does not flow over UDP, trying TCP`);
  }

  #rejoin(reason: string, keepSession = false): void {
    if (this.#disposed || this.#meeting.state !== 'connected') return;
    this.#resumingSilentPath = keepSession;
    this.#meeting.repairing?.({ action: keepSession ? 'resume' : 'rejoin', reason });
    this.#meeting.rejoinNow(reason, { keepSession });
  }
}

function defaultEvents(): NetworkEvents | undefined {
  if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return undefined;
  const connection = (navigator as Navigator & { connection?: NetworkEvents['connection'] }).connection;
  return {
    addEventListener: (type, listener) => window.addEventListener(type, listener),
    removeEventListener: (type, listener) => window.removeEventListener(type, listener),
    connection: connection && typeof connection.addEventListener === 'function' ? connection : undefined,
  };
}
