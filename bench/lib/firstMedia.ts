/**
 * Notices the first decoded media of a load client's streams from its receive transport's stats,
 * polled: the first decoded video frame (inbound-rtp framesDecoded > 0) or the first non-silent
 * audio (totalAudioEnergy > 0; Opus DTX silence and concealment add none).
 *
 * Why not a sink per track (wrtc's RTCVideoSink / RTCAudioSink): wrtc calls an audio sink every 10 ms
 * whether packets arrive or not, so N clients watching N−1 audio tracks each cost N²·100 callbacks
 * per second into JavaScript — at N = 30 that alone saturated the load generator's event loop. One
 * getStats() per client every `intervalMs`, and none once it has seen everything it waits for,
 * costs a few ms per second instead. The price is the poll's resolution, added to measured times.
 */
import type { Conference } from '../../renderer/src/conference';

export interface FirstMediaWatch {
  /** Watch `consumerId` until its first decoded media; `onFirst` gets the time it was noticed. */
  add(consumerId: string, kind: 'audio' | 'video', onFirst: () => void): void;
  stop(): void;
}

interface Stat {
  type: string;
  kind?: string;
  trackIdentifier?: string;
  trackId?: string;
  id: string;
  framesDecoded?: number;
  totalAudioEnergy?: number;
}

export function watchFirstMedia(conference: Conference, intervalMs = 200): FirstMediaWatch {
  const waiting = new Map<string, { kind: 'audio' | 'video'; onFirst: () => void }>();
  let polling = false;
  let stopped = false;
  const poll = async () => {
    const recv = conference.transports.recv;
    if (polling || waiting.size === 0 || !recv || recv.closed) return;
    polling = true;
    try {
      const report = (await recv.getStats()) as Map<string, Stat>;
      const byId = new Map([...report.values()].map((s) => [s.id, s]));
      for (const stat of report.values()) {
        if (stat.type !== 'inbound-rtp' || !stat.trackIdentifier) continue;
        const entry = waiting.get(stat.trackIdentifier);
        if (!entry) continue;
        // Older stats put the audio energy on the (deprecated) track entry only.
        const energy = stat.totalAudioEnergy ?? (stat.trackId ? byId.get(stat.trackId)?.totalAudioEnergy : undefined) ?? 0;
        const decoded = entry.kind === 'video' ? (stat.framesDecoded ?? 0) > 0 : energy > 0;
        if (!decoded || stopped) continue;
        waiting.delete(stat.trackIdentifier);
        entry.onFirst();
      }
    } catch {
      // The transport closed under the poll (a rejoin): the next poll uses the new one.
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(() => void poll(), intervalMs);
  return {
    add(consumerId, kind, onFirst) {
      waiting.set(consumerId, { kind, onFirst });
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      waiting.clear();
    },
  };
}

