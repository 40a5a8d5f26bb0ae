/**
 * Child process: the real Roundtable host (electron/host/Host.ts) on 127.0.0.1, one worker,
 * ephemeral ports, plain HTTP, no mDNS — the same setup as tests/support/testHost.ts. Optionally
 * serves a built renderer (webRoot) for the browser benchmarks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { types } from 'mediasoup';
import { Host } from '../../electron/host/Host';
import { createLogger } from '../../electron/host/logger';
import { childOptions, sampleServer, serveParent } from '../lib/serverProcess';

const options = childOptions<{ listenIp?: string; webRoot?: string; logLevel?: string; workers?: number; workerMaxConsumers?: number; lastNMinPeers?: number; lastN?: number }>();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-bench-'));
const host = await Host.start(
  {
    // Off loopback (bench:join in the network lab) the host insists on HTTPS, as browsers do for cameras.
    listenIp: options.listenIp ?? '127.0.0.1',
    announcedIp: options.listenIp ?? '127.0.0.1',
    httpPort: 0,
    rtcPort: 0,
    workers: options.workers ?? 1,
    tls: options.listenIp !== undefined && options.listenIp !== '127.0.0.1',
    discovery: false,
    roomIdleCloseMs: 200,
    dataDir,
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    ...(options.workerMaxConsumers ? { workerMaxConsumers: options.workerMaxConsumers } : {}),
    ...(options.lastNMinPeers ? { lastNMinPeers: options.lastNMinPeers } : {}),
    ...(options.lastN ? { lastN: options.lastN } : {}),
  },
  { logger: createLogger(options.logLevel ?? process.env.BENCH_HOST_LOG ?? 'warn') },
);
const worker = host.pool.slots[0]!.worker;

function counts() {
  let peers = 0;
  let producers = 0;
  let consumers = 0;
  const transports: types.WebRtcTransport[] = [];
  for (const room of host.rooms.all()) {
    for (const peer of room.peers.values()) {
      peers++;
      producers += peer.producers.size;
      consumers += peer.consumers.size;
      transports.push(peer.sendTransport, peer.recvTransport);
    }
  }
  return { transports, counts: { peers, producers, consumers } };
}

serveParent(
  { baseUrl: host.baseUrl, workerPid: worker.pid, info: { server: 'roundtable' } },
  {
    sample: (args) => {
      const { transports, counts: c } = counts();
      return sampleServer(worker, transports, c, args ?? {});
    },
    /** Per-producer, per-layer bitrates as the worker sees them (which simulcast layers really arrive). */
    producerLayers: async () =>
      Promise.all(
        host.rooms.all().flatMap((room) =>
          [...room.peers.values()].flatMap((peer) =>
            [...peer.producers.values()]
              .filter((p) => p.kind === 'video')
              .map(async (p) => ({
                peer: peer.displayName,
                layers: (await p.getStats()).map((s) => ({ rid: s.rid ?? null, kbps: Math.round((s.bitrate ?? 0) / 1000), score: s.score })),
              })),
          ),
        ),
      ),
    /** Send-side bandwidth estimate of a peer's receive transport (what the host may forward to it). */
    recvEstimate: async (args) => {
      const name = (args as { peer: string }).peer;
      for (const room of host.rooms.all()) {
        for (const peer of room.peers.values()) {
          if (peer.displayName !== name) continue;
          const [stats] = await peer.recvTransport.getStats();
          return { availableOutgoingBitrate: stats?.availableOutgoingBitrate ?? null, sendBitrate: stats?.sendBitrate ?? null };
        }
      }
      return null;
    },
    /** Per worker: CPU so far (ms, getResourceUsage) and live load; for rooms spanning workers. */
    workers: async () =>
      Promise.all(
        host.pool.slots.map(async (slot) => {
          const usage = await slot.worker.getResourceUsage();
          return { index: slot.index, pid: slot.worker.pid, cpuMs: usage.ru_utime + usage.ru_stime, routers: slot.routers, producers: slot.producers, consumers: slot.consumers };
        }),
      ),
    /** Consumers that forward media now (neither they nor their producer paused), by receiver and kind. */
    forwarding: () => {
      const perPeer: { peer: string; audio: number; video: number }[] = [];
      let pipes = 0;
      let pipesFlowing = 0;
      for (const room of host.rooms.all()) {
        pipes += room.media.routers.pipeCount;
        pipesFlowing += room.media.routers.demand.flowingCount;
        for (const peer of room.peers.values()) {
          const on = [...peer.consumers.values()].filter((c) => !c.paused && !c.producerPaused);
          perPeer.push({ peer: peer.displayName, audio: on.filter((c) => c.kind === 'audio').length, video: on.filter((c) => c.kind === 'video').length });
        }
      }
      return { perPeer, total: perPeer.reduce((sum, p) => sum + p.audio + p.video, 0), pipes, pipesFlowing };
    },
    /** The most recent speakers of each room (display names), as selective forwarding sees them. */
    speakers: () =>
      [...host.rooms.all()].map((room) => room.media.speakers.recent.map((id) => room.peers.get(id)?.displayName ?? id)),
    /** Consumers beyond one per (participant, producer): the same media forwarded twice. */
    duplicateConsumers: () => {
      let duplicates = 0;
      for (const room of host.rooms.all()) {
        for (const peer of room.peers.values()) {
          const seen = new Set<string>();
          for (const consumer of peer.consumers.values()) {
            if (seen.has(consumer.producerId)) duplicates++;
            seen.add(consumer.producerId);
          }
        }
      }
      return duplicates;
    },
    /** The host's view of each consumer's layers (bench:adaptive cross-checks with it). */
    consumerLayers: () =>
      host.rooms.all().flatMap((room) =>
        [...room.peers.values()].flatMap((peer) =>
          [...peer.consumers.values()].map((c) => ({
            peer: peer.displayName,
            from: room.peers.get(c.appData.producerPeerId)?.displayName,
            kind: c.kind,
            paused: c.paused,
            current: c.currentLayers?.spatialLayer ?? null,
            preferred: c.preferredLayers?.spatialLayer ?? null,
          })),
        ),
      ),
  },
  async () => {
    await host.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
);
