import type { types } from 'mediasoup';
import type { Logger } from '../logger';

/** What mediasoup's 'bwe' trace carries (mediasoup types it `unknown`). */
interface BweTrace {
  desiredBitrate: number;
  availableBitrate: number;
}

export interface DownlinkProbeOptions {
  /** Deficient: the estimate is below this share of what the receiver's videos want. */
  deficitRatio: number;
  /** How long a deficit lasts before the first probe. */
  settleMs: number;
  /** Wait between two probes while the deficit lasts. */
  intervalMs: number;
  /**
   * Wait instead after a probe that found room: the estimate rose to `openingRatio` times what it
   * was when that probe went out (the link is opening: the next step is taken at once).
   */
  followUpMs: number;
  openingRatio: number;
  /** A probe asks for this multiple of the estimate (and twice that), never more than the videos want. */
  stepRatio: number;
  /** No probe while the receiver reports more loss than this (the link is congested, not under-estimated). */
  maxLoss: number;
  /** How often the deficit is looked at. */
  checkEveryMs: number;
}

/** mediasoup's smallest maximum outgoing bitrate. */
const MIN_BITRATE = 30_000;

export const DOWNLINK_PROBE_DEFAULTS: DownlinkProbeOptions = {
  deficitRatio: 0.6,
  settleMs: 1_000,
  intervalMs: 3_000,
  followUpMs: 1_000,
  openingRatio: 1.5,
  stepRatio: 2,
  maxLoss: 0.1,
  checkEveryMs: 500,
};

/**
 * Probes a receiver's downlink while its bandwidth estimate stays far below what its videos want,
 * the way LiveKit's stream allocator probes while tracks are deficient.
 *
 * mediasoup's congestion controller (libwebrtc's GoogCC) probes at the start, when the wanted bitrate
 * rises, and periodically only while the host sends less than the estimate. After a narrowing of
 * the link the estimate falls below what the link carries, and the host then sends what fits, so it
 * is never "application-limited": no periodic probe comes, and the estimate climbs back by ~8 % a
 * second, also once the link is wide open again (measured: layers not back 12 s after the lift).
 *
 * The probe: a change of the transport's maximum bitrate reaches libwebrtc's ProbeController as a
 * new "max total allocated bitrate", and while the estimate is below it the controller sends probe
 * clusters at that bitrate and twice it (`ProbeController::OnMaxTotalAllocatedBitrate`); the
 * maximum goes straight back. It asks for a step above the estimate (`stepRatio`), not for all the
 * videos want: under a link that is still narrow, clusters at several times its rate overflow its
 * queue, and mediasoup's GoogCC counts the lost probe packets as loss and lowers the estimate further
 * (measured: a 431 kbit/s probe result undone to 197 kbit/s within 0.6 s). A wide-open link is
 * found in a few probes (each result is the base of the next), one second apart once a probe found
 * room: at one every 3 s, a 500 kbit/s cap lifted took 7.7 s to find 1.5 Mbit/s (250, 490, 1,500).
 */
export class DownlinkProbe {
  readonly #transport: types.WebRtcTransport;
  readonly #logger: Logger;
  readonly #options: DownlinkProbeOptions;
  readonly #timer: NodeJS.Timeout;
  #last: BweTrace | undefined;
  #deficientSince: number | undefined;
  #nextProbeAt = 0;
  #probing = false;
  /** The last probe sent: when, and the estimate it stepped from. */
  #lastProbe: { at: number; estimate: number } | undefined;
  #closed = false;
  /** Probes sent, for stats and tests. */
  probes = 0;

  /** Probes `transport`'s downlink when it needs it, until the transport closes. */
  static watch(transport: types.WebRtcTransport, logger: Logger, options: Partial<DownlinkProbeOptions> = {}): DownlinkProbe {
    return new DownlinkProbe(transport, logger, options);
  }

  /** Watches `transport` until it closes. */
  constructor(transport: types.WebRtcTransport, logger: Logger, options: Partial<DownlinkProbeOptions> = {}) {
    this.#transport = transport;
    this.#logger = logger;
    this.#options = { ...DOWNLINK_PROBE_DEFAULTS, ...options };
    transport.on('trace', (trace) => {
      if (trace.type === 'bwe') this.#last = trace.info as BweTrace;
    });
    this.#timer = setInterval(() => void this.#check(), this.#options.checkEveryMs);
    this.#timer.unref();
    transport.observer.once('close', () => this.close());
    transport.enableTraceEvent(['bwe']).catch((error: unknown) => {
      if (!transport.closed) logger.warn({ err: error, transportId: transport.id }, 'downlink probe: no bandwidth trace');
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
  }

  async #check(): Promise<void> {
    const last = this.#last;
    if (this.#closed || this.#probing || !last) return;
    const now = Date.now();
    const deficient = last.desiredBitrate > 0 && last.availableBitrate < last.desiredBitrate * this.#options.deficitRatio;
    if (!deficient) {
      this.#deficientSince = undefined;
      return;
    }
    this.#deficientSince ??= now;
    const opening = this.#lastProbe !== undefined && last.availableBitrate >= this.#lastProbe.estimate * this.#options.openingRatio;
    const due = now >= this.#nextProbeAt || (opening && now - this.#lastProbe!.at >= this.#options.followUpMs);
    if (now - this.#deficientSince < this.#options.settleMs || !due) return;
    this.#probing = true;
    this.#nextProbeAt = now + this.#options.intervalMs;
    try {
      await this.#probe(last);
    } catch (error) {
      if (!this.#transport.closed) this.#logger.debug({ err: error, transportId: this.#transport.id }, 'downlink probe failed');
    } finally {
      this.#probing = false;
    }
  }

  async #probe(last: BweTrace): Promise<void> {
    const [stats] = await this.#transport.getStats();
    if (this.#closed) return;
    if ((stats?.rtpPacketLossSent ?? 0) > this.#options.maxLoss) {
      this.#logger.debug({ transportId: this.#transport.id, estimate: last.availableBitrate, loss: stats?.rtpPacketLossSent }, 'downlink estimate low but the receiver reports loss: no probe');
      return;
    }
    // A maximum set by someone else (an operator's cap; a test standing in for a narrow link) is a
    // limit, not an estimate: no probe goes past it, and it is what the maximum goes back to.
    const ceiling = stats?.maxOutgoingBitrate ?? 0;
    const wanted = ceiling > 0 ? Math.min(last.desiredBitrate, ceiling) : last.desiredBitrate;
    const step = Math.max(MIN_BITRATE, Math.min(wanted, Math.round(last.availableBitrate * this.#options.stepRatio)));
    if (step <= last.availableBitrate) return;
    this.#lastProbe = { at: Date.now(), estimate: last.availableBitrate };
    await this.#transport.setMaxOutgoingBitrate(step);
    await this.#transport.setMaxOutgoingBitrate(ceiling);
    this.probes += 1;
    this.#logger.debug({ transportId: this.#transport.id, estimate: last.availableBitrate, desired: last.desiredBitrate, step }, 'downlink estimate far below what the videos want: probing');
  }
}
