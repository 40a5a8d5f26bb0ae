import type { types } from 'mediasoup';

/** How often a receiver that gets less video than it asked for is checked and, if still short, probed. */
export const DOWNLINK_PROBE_INTERVAL_MS = 2_000;

/** The lowest maximum mediasoup accepts (its worker's AbsoluteMinOutgoingBitrate). */
const MIN_MAX_OUTGOING_BITRATE = 30_000;

/** What the probe needs of a receive transport (a mediasoup WebRtcTransport, or a fake in tests). */
export interface ProbedTransport {
  readonly closed: boolean;
  getStats(): Promise<{ availableOutgoingBitrate?: number }[]>;
  setMaxOutgoingBitrate(bitrate: number): Promise<void>;
  readonly observer: { once(event: 'close', listener: () => void): unknown };
}

/** What the probe reads of a consumer (mediasoup's Consumer has all of it). */
export type ProbedConsumer = Pick<types.Consumer, 'kind' | 'type' | 'closed' | 'paused' | 'producerPaused' | 'currentLayers' | 'preferredLayers' | 'score'>;

/**
 * True when a live video consumer gets a lower spatial layer than the one its tile asked for (or no
 * layer at all) although the sender sends that layer: only the receiver's downlink estimate can be
 * what holds it back.
 */
export function isShortOfVideo(consumers: Iterable<ProbedConsumer>): boolean {
  for (const consumer of consumers) {
    if (consumer.kind !== 'video' || consumer.closed || consumer.paused || consumer.producerPaused) continue;
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') continue;
    const wanted = consumer.preferredLayers?.spatialLayer ?? 0;
    const got = consumer.currentLayers?.spatialLayer ?? -1;
    // Simulcast: one producer score per spatial layer (0 = that layer is not being sent).
    const senderHasIt = consumer.type === 'svc' || (consumer.score.producerScores[wanted] ?? 0) > 0;
    if (got < wanted && senderHasIt) return true;
  }
  return false;
}

/**
 * "Probe when short", as SFUs do (LiveKit's stream allocator, for one): once a receiver's link has
 * been poor, mediasoup's bandwidth estimate climbs back only about 8 % a second, because nothing is
 * sent above it (the layers it allows fill it exactly): from a 500 kbit/s cap back to four 360p
 * tiles takes over 15 s. While some video consumer of this receiver is below the layer it asked for,
 * this asks the estimator for a probe every `intervalMs`: lowering the transport's maximum to the
 * current estimate (which changes nothing sent) and lifting it again makes its probe controller
 * send a short padding burst at the full desired bitrate. On a link that is still poor the probe
 * fails and the estimate stays; on one that recovered the estimate jumps to what it carried.
 * Stops when the transport closes. Returns a function that stops it.
 */
export function probeWhileShort(
  transport: ProbedTransport,
  consumers: () => Iterable<ProbedConsumer>,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): () => void {
  let busy = false;
  const tick = async () => {
    if (busy || transport.closed || !isShortOfVideo(consumers())) return;
    busy = true;
    try {
      const estimate = (await transport.getStats())[0]?.availableOutgoingBitrate;
      if (!estimate || transport.closed) return;
      await transport.setMaxOutgoingBitrate(Math.max(MIN_MAX_OUTGOING_BITRATE, Math.round(estimate)));
      await transport.setMaxOutgoingBitrate(0);
    } catch (error) {
      if (!transport.closed) options.onError?.(error);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs ?? DOWNLINK_PROBE_INTERVAL_MS);
  timer.unref?.();
  const stop = () => clearInterval(timer);
  transport.observer.once('close', stop);
  return stop;
}
