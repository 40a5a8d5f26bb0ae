import type { types } from 'mediasoup-client';

/** One ICE candidate pair's STUN traffic. */
export interface PairChecks {
  /** The local candidate is UDP. */
  udp: boolean;
  /** Answers to our connectivity and consent checks (STUN responses) received. */
  answers: number;
  /** Connectivity and consent checks (STUN requests) sent. */
  checks: number;
}

/** What a transport's WebRTC stats say about its path, for the NetworkWatcher. */
export interface PathStats {
  /** Bytes received on the transport (media, RTCP, SCTP, DTLS; not STUN). */
  bytesReceived: number;
  /** Of those, RTP media (payload and headers): file data and keepalives are not media. */
  mediaBytesReceived: number;
  /** Bytes sent on the transport (media, RTCP, SCTP, DTLS; not STUN). */
  bytesSent: number;
  /** Candidate pairs whose local candidate is UDP. */
  udpPairs: number;
  /** Per candidate pair (by stats id). Pairs come and go with an ICE restart. */
  pairs: Map<string, PairChecks>;
  /** The pair the transport's packets go over (none reported: undefined). */
  selectedPair?: string;
  /** RTP streams in the report (inbound and outbound): what a read of these stats costs grows with them. */
  streams: number;
}

/** Whether any pair (UDP pairs only: `udpOnly`) got an answer to a check between `before` and `now`. */
export function answeredSince(before: PathStats, now: PathStats, udpOnly = false): boolean {
  for (const [id, pair] of now.pairs) if ((!udpOnly || pair.udp) && pair.answers > (before.pairs.get(id)?.answers ?? 0)) return true;
  return false;
}

/** Whether any UDP pair got an answer to a connectivity check between `before` and `now`. */
export function udpAnsweredSince(before: PathStats, now: PathStats): boolean {
  return answeredSince(before, now, true);
}

/**
 * The pairs that say whether the path in use is alive: the selected one. Checks on other pairs go
 * unanswered for reasons of their own (a candidate that never worked), and answers on them do
 * not mean the selected path works (UDP blocked while a TCP pair answers).
 */
function pathPairs(now: PathStats): [string, PairChecks][] {
  const selected = now.selectedPair !== undefined ? now.pairs.get(now.selectedPair) : undefined;
  return selected ? [[now.selectedPair!, selected]] : [...now.pairs];
}

/** Whether the path in use got an answer to a check (STUN response) between `before` and `now`. */
export function pathAnsweredSince(before: PathStats, now: PathStats): boolean {
  return pathPairs(now).some(([id, pair]) => pair.answers > (before.pairs.get(id)?.answers ?? 0));
}

/** How many checks (STUN requests) went out on the path in use between `before` and `now`. */
export function checksSince(before: PathStats, now: PathStats): number {
  let sent = 0;
  for (const [id, pair] of pathPairs(now)) sent += Math.max(0, pair.checks - (before.pairs.get(id)?.checks ?? 0));
  return sent;
}

interface StatsEntry {
  type: string;
  id: string;
  bytesReceived?: number;
  bytesSent?: number;
  headerBytesReceived?: number;
  ssrc?: number;
  mid?: string;
  protocol?: string;
  localCandidateId?: string;
  responsesReceived?: number;
  requestsSent?: number;
  consentRequestsSent?: number;
  selectedCandidatePairId?: string;
}

/**
 * mediasoup's bandwidth probation: bursts of padding on their own stream (SSRC 1234, mid
 * "probator" in mediasoup-client) every few seconds, even toward a consumer whose producer sends
 * nothing. Counted as media, each burst looked like media that then stopped (Chromium bench, a
 * stopped camera: an ICE restart every 5 s).
 */
function isProbation(s: StatsEntry): boolean {
  return s.mid === 'probator' || s.ssrc === 1234;
}

/** The transport's path stats; undefined when the stats cannot be read (closed transport). */
export async function pathStats(transport: types.Transport): Promise<PathStats | undefined> {
  try {
    const report = await transport.getStats();
    let bytesReceived: number | undefined;
    let bytesSent = 0;
    let mediaBytesReceived = 0;
    let selectedPair: string | undefined;
    let streams = 0;
    const udpCandidates = new Set<string>();
    const found: (PairChecks & { id: string; local: string })[] = [];
    report.forEach((s: StatsEntry) => {
      if (s.type === 'transport' && typeof s.bytesReceived === 'number') {
        bytesReceived = (bytesReceived ?? 0) + s.bytesReceived;
        bytesSent += s.bytesSent ?? 0;
        selectedPair ??= s.selectedCandidatePairId;
      }
      if (s.type === 'inbound-rtp' && !isProbation(s)) mediaBytesReceived += (s.bytesReceived ?? 0) + (s.headerBytesReceived ?? 0);
      if (s.type === 'inbound-rtp' || s.type === 'outbound-rtp') streams += 1;
      if (s.type === 'local-candidate' && s.protocol === 'udp') udpCandidates.add(s.id);
      if (s.type === 'candidate-pair' && s.localCandidateId) {
        // Chromium counts consent checks apart from connectivity checks; older libwebrtc (wrtc) in requestsSent only.
        const checks = (s.requestsSent ?? 0) + (s.consentRequestsSent ?? 0);
        found.push({ id: s.id, local: s.localCandidateId, udp: false, answers: s.responsesReceived ?? 0, checks });
      }
    });
    if (bytesReceived === undefined) return undefined;
    const pairs = new Map<string, PairChecks>();
    for (const { id, local, answers, checks } of found) pairs.set(id, { udp: udpCandidates.has(local), answers, checks });
    return { bytesReceived, mediaBytesReceived, bytesSent, udpPairs: [...pairs.values()].filter((p) => p.udp).length, pairs, selectedPair, streams };
  } catch {
    return undefined;
  }
}
