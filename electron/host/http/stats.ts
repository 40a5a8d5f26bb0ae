import type { Room } from '../Room';
import type { WorkerPool } from '../WorkerPool';

export async function workerHealth(pool: WorkerPool) {
  return Promise.all(
    pool.slots.map(async (slot) => {
      const usage = await slot.worker.getResourceUsage().catch(() => undefined);
      return {
        index: slot.index,
        pid: slot.worker.pid,
        alive: !slot.worker.closed && !slot.worker.died,
        port: slot.port,
        routers: slot.routers,
        cpuUserMs: usage?.ru_utime,
        cpuSystemMs: usage?.ru_stime,
        maxRssKb: usage?.ru_maxrss,
      };
    }),
  );
}

/** What an operator wants to see about one meeting: who is there and how their media is doing. */
export async function roomStats(room: Room) {
  const participants = await Promise.all(
    [...room.peers.values()].map(async (peer) => {
      const [sendStats, recvStats] = await Promise.all([peer.sendTransport.getStats(), peer.recvTransport.getStats()]);
      const producers = await Promise.all(
        [...peer.producers.values()].map(async (producer) => {
          const stats = await producer.getStats().catch(() => []);
          return {
            id: producer.id,
            kind: producer.kind,
            source: producer.appData.source,
            paused: producer.paused,
            score: producer.score.map((s) => ({ rid: s.rid, ssrc: s.ssrc, score: s.score })),
            bitrate: stats.reduce((sum, s) => sum + (s.bitrate ?? 0), 0),
          };
        }),
      );
      const consumers = [...peer.consumers.values()].map((consumer) => ({
        id: consumer.id,
        kind: consumer.kind,
        source: consumer.appData.source,
        fromPeerId: consumer.appData.producerPeerId,
        paused: consumer.paused,
        producerPaused: consumer.producerPaused,
        score: consumer.score.score,
        currentLayers: consumer.currentLayers ?? null,
        preferredLayers: consumer.preferredLayers ?? null,
        priority: consumer.priority,
      }));
      return {
        id: peer.id,
        displayName: peer.displayName,
        isHost: room.hostPeerId === peer.id,
        bitrateIn: sendStats[0]?.recvBitrate ?? 0,
        bitrateOut: recvStats[0]?.sendBitrate ?? 0,
        /** Of `bitrateOut`, retransmissions (RTX) and bandwidth probes. */
        rtxBitrateOut: recvStats[0]?.rtxSendBitrate ?? 0,
        probeBitrateOut: recvStats[0]?.probationSendBitrate ?? 0,
        /** The host's bandwidth estimate of this participant's downlink (bps; null before any feedback). */
        availableOutgoingBitrate: recvStats[0]?.availableOutgoingBitrate ?? null,
        /** Bytes of bandwidth probes the host sent this participant (padding, not media). */
        probationBytesSent: recvStats[0]?.probationBytesSent ?? 0,
        iceState: [peer.sendTransport.iceState, peer.recvTransport.iceState],
        producers,
        consumers,
      };
    }),
  );
  return {
    roomId: room.id,
    worker: room.slot.index,
    locked: room.locked,
    /** Joins wait for the host (as this node applies the meeting's settings: another node's change arrives through Redis). */
    waitingRoom: room.meetingState.admission.waiting.enabled,
    participants,
    totals: {
      participants: participants.length,
      producers: participants.reduce((n, p) => n + p.producers.length, 0),
      consumers: participants.reduce((n, p) => n + p.consumers.length, 0),
      bitrateIn: participants.reduce((n, p) => n + p.bitrateIn, 0),
      bitrateOut: participants.reduce((n, p) => n + p.bitrateOut, 0),
    },
  };
}
