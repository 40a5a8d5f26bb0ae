import type { types } from 'mediasoup-client';

/** What a transport's WebRTC stats say about its path, for the NetworkWatcher. */
export interface PathStats {
  /** Bytes received on the transport (media, RTCP, DTLS). */
  bytesReceived: number;
  /** Candidate pairs whose local candidate is UDP. */
  udpPairs: number;
  /** Per UDP pair (by stats id): answers to ICE connectivity checks received (STUN responses). */
  udpAnswers: Map<string, number>;
}

/** Whether any UDP pair got an answer to a connectivity check between `before` and `now` (pairs come and go with an ICE restart). */
export function udpAnsweredSince(before: PathStats, now: PathStats): boolean {
  for (const [id, answers] of now.udpAnswers) if (answers > (before.udpAnswers.get(id) ?? 0)) return true;
  return false;
}

/** The transport's path stats; undefined when the stats cannot be read (closed transport). */
export async function pathStats(transport: types.Transport): Promise<PathStats | undefined> {
  try {
    const report = await transport.getStats();
    let bytesReceived: number | undefined;
    const udpCandidates = new Set<string>();
    const pairs: { id: string; local: string; answers: number }[] = [];
    report.forEach((s: { type: string; id: string; bytesReceived?: number; protocol?: string; localCandidateId?: string; responsesReceived?: number }) => {
      if (s.type === 'transport' && typeof s.bytesReceived === 'number') bytesReceived = (bytesReceived ?? 0) + s.bytesReceived;
      if (s.type === 'local-candidate' && s.protocol === 'udp') udpCandidates.add(s.id);
      if (s.type === 'candidate-pair' && s.localCandidateId) pairs.push({ id: s.id, local: s.localCandidateId, answers: s.responsesReceived ?? 0 });
    });
    if (bytesReceived === undefined) return undefined;
    const udp = pairs.filter((p) => udpCandidates.has(p.local));
    return { bytesReceived, udpPairs: udp.length, udpAnswers: new Map(udp.map((p) => [p.id, p.answers])) };
  } catch {
    return undefined;
  }
}
