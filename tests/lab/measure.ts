import type { LabParticipant } from './participants';
import { layerOfHeight, type ProbeState, type TransportStats } from './probe';

/** What one participant saw during a fault, as numbers (ms unless named otherwise). */
export interface ParticipantFigures {
  name: string;
  /** Per sender: ms from the moment the fault ended (or began, for lasting faults) until its video flowed again for good (null: not back). */
  mediaBackMs: Record<string, number | null>;
  /** Frames not advancing for > 500 ms, over the observation window, all senders together. */
  freezeCount: number;
  freezeTotalMs: number;
  longestFreezeMs: number;
  /** Concealed / received audio samples over the window (0 to 1). */
  audioConcealment: number | null;
  /** Decoded layer per sender at the end of the window (0 = 180p, 1 = 360p, 2 = 720p). */
  layers: Record<string, number | null>;
  rttMs: number | null;
  /** The page showed "Reconnecting…" during the window. */
  sawReconnecting: boolean;
  /** Remote tiles that disappeared during the window (participants shown as gone). */
  tilesGone: string[];
  /** The SDK's connection states during the window: [ms from the window start, state, reason]. */
  states: [number, string, string][];
}

export interface Snapshot {
  at: number;
  stats: TransportStats;
}

export async function snapshot(participant: LabParticipant): Promise<Snapshot> {
  return { at: Date.now(), stats: await participant.stats() };
}

/**
 * Polls until every participant has been painting every other's video steadily (no gap over 500 ms
 * in the last second) since at least `since + minWatchMs`; false after `timeoutMs`.
 */
export async function waitForMediaBack(participants: LabParticipant[], since: number, timeoutMs: number, minWatchMs = 0): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = Date.now();
    const states = await Promise.all(participants.map((p) => p.probe().catch(() => undefined)));
    const allSteady = states.every((state, i) => state && participants.every((other, j) => j === i || steadySince(state, other.name, now) !== null));
    if (allSteady && now >= since + minWatchMs) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/**
 * Polls until every participant has painted a frame from every other (or from each of `senders`)
 * since `since`; false after `timeoutMs`.
 */
export async function waitForFrames(participants: LabParticipant[], since: number, timeoutMs: number, senders?: string[]): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const states = await Promise.all(participants.map((p) => p.probe().catch(() => undefined)));
    const all = states.every((state, i) => {
      const from = senders ?? participants.filter((_, j) => j !== i).map((other) => other.name);
      return state && from.every((name) => (state.videos[name]?.frameTimes ?? []).some((t) => t > since));
    });
    if (all) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/**
 * A gap this long is an outage, not a stutter: on two shared cores a starved renderer can pause
 * painting for most of a second without any network fault, so "media back" uses this threshold
 * while freezes (> 500 ms) are still counted separately.
 */
const OUTAGE_MS = 1_000;

/** When `sender`'s video last started flowing again, if it has flowed without an outage for the last second. */
function steadySince(state: ProbeState, sender: string, now: number): number | null {
  const times = state.videos[sender]?.frameTimes ?? [];
  if (times.length === 0 || now - times.at(-1)! > OUTAGE_MS) return null;
  let start = times.at(-1)!;
  for (let i = times.length - 1; i > 0 && times[i]! - times[i - 1]! <= OUTAGE_MS; i--) start = times[i - 1]!;
  return now - start >= 1_000 ? start : null;
}

/**
 * When `sender`'s video came back for good within [from, to]: the end of the last outage (gap over
 * OUTAGE_MS) in that window, `from` when it never froze, null when it is still frozen at `to`.
 */
function recoveredAt(state: ProbeState, sender: string, from: number, to: number): number | null {
  const times = state.videos[sender]?.frameTimes ?? [];
  let previous = times.filter((t) => t <= from).at(-1) ?? from;
  let recovered = from;
  for (const t of times) {
    if (t <= from) continue;
    if (t > to) break;
    if (t - previous > OUTAGE_MS) recovered = t;
    previous = t;
  }
  return to - previous > OUTAGE_MS ? null : recovered;
}

/** Figures for one participant over [from, to], with media-back times counted from `faultEnd`. */
export async function figuresOf(
  participant: LabParticipant,
  senders: string[],
  window: { from: number; to: number; faultEnd: number; before?: Snapshot },
): Promise<ParticipantFigures> {
  const [state, stats] = await Promise.all([participant.probe(), participant.stats()]);
  const mediaBackMs: Record<string, number | null> = {};
  const layers: Record<string, number | null> = {};
  let freezeCount = 0;
  let freezeTotalMs = 0;
  let longestFreezeMs = 0;
  for (const sender of senders) {
    const back = recoveredAt(state, sender, window.from, window.to);
    mediaBackMs[sender] = back === null ? null : Math.max(0, back - window.faultEnd);
    const video = state.videos[sender];
    const size = video?.sizes.at(-1);
    layers[sender] = size ? layerOfHeight(size.height) : null;
    for (const freeze of freezesWithin(state, sender, window.from, window.to)) {
      freezeCount++;
      freezeTotalMs += freeze;
      longestFreezeMs = Math.max(longestFreezeMs, freeze);
    }
  }
  const before = window.before?.stats;
  const sameTransport = before && before.transportId === stats.transportId;
  const concealed = stats.concealedSamples - (sameTransport ? before.concealedSamples : 0);
  const received = stats.totalSamplesReceived - (sameTransport ? before.totalSamplesReceived : 0);
  return {
    name: participant.name,
    mediaBackMs,
    freezeCount,
    freezeTotalMs,
    longestFreezeMs,
    audioConcealment: received > 0 ? round(concealed / received, 4) : null,
    layers,
    rttMs: stats.rttMs,
    sawReconnecting: state.sawReconnecting.some((t) => t >= window.from && t <= window.to + 2_000),
    tilesGone: Object.entries(state.tilesGone)
      .filter(([, times]) => times.some((t) => t >= window.from && t <= window.to))
      .map(([name]) => name),
    states: state.states.filter((e) => e.at >= window.from && e.at <= window.to).map((e) => [e.at - window.from, e.state, e.reason ?? '']),
  };
}

/**
 * Gaps over 500 ms between painted frames of `sender` that overlap [from, to], clipped to it; a
 * video still stalled at `to` counts as a freeze up to `to`.
 */
export function freezesWithin(state: ProbeState, sender: string, from: number, to: number): number[] {
  const times = state.videos[sender]?.frameTimes ?? [];
  const gaps: number[] = [];
  let previous = times.filter((t) => t <= from).at(-1) ?? from;
  for (const t of times) {
    if (t <= from) continue;
    if (t > to) break;
    const gap = t - Math.max(previous, from);
    if (t - previous > 500 && gap > 0) gaps.push(gap);
    previous = t;
  }
  if (to - previous > 500) gaps.push(to - Math.max(previous, from));
  return gaps;
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The worst of a number per participant (null, "never", beats any number). */
export function worst(values: (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : Math.max(0, ...(values as number[]));
}
