/**
 * Child process: a minimal bare-mediasoup SFU, written the way a typical mediasoup app is — one
 * socket.io request per step (getRouterRtpCapabilities, createWebRtcTransport ×2, join, produce,
 * consume, connectWebRtcTransport, resumeConsumer) and no Roundtable code at all: no validation,
 * no ownership checks, no auto-consume, no active-speaker observer, no score/layer forwarding.
 *
 * It is the baseline the benchmarks compare Roundtable with, so everything the media path depends
 * on is the same as in the Roundtable host: mediasoup worker settings, one WebRtcServer on
 * 127.0.0.1 (UDP+TCP), the router codecs (passed in by the parent, from electron/host/mediaCodecs.ts)
 * and the WebRtcTransport options.
 *
 * Also serves the bare join page (bench/bare/page.html + the bundle the parent built).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { Server, type Socket } from 'socket.io';
import { loadOrCreateCertificate } from '../../electron/host/certificate';
import { childOptions, sampleServer, serveParent } from '../lib/serverProcess';

interface Options {
  mediaCodecs: types.RouterRtpCodecCapability[];
  /** Directory with index.html and bare.js (the bundled page), when the page is wanted. */
  pageDir?: string;
  /** Listen and announce on this address (default 127.0.0.1); off loopback the page is served over HTTPS like Roundtable's. */
  listenIp?: string;
  /** For the HTTPS certificate, off loopback. */
  dataDir?: string;
}

interface BarePeer {
  id: string;
  socket: Socket;
  displayName?: string;
  joined: boolean;
  rtpCapabilities?: types.RtpCapabilities;
  transports: Map<string, types.WebRtcTransport>;
  producers: Map<string, types.Producer>;
  consumers: Map<string, types.Consumer>;
}

interface BareRoom {
  router: types.Router;
  peers: Map<string, BarePeer>;
}

const options = childOptions<Options>();
const listenIp = options.listenIp ?? '127.0.0.1';
const tls = listenIp !== '127.0.0.1' ? await loadOrCreateCertificate(options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bare-bench-')), [listenIp]) : undefined;

const worker = await mediasoup.createWorker({ logLevel: 'warn', logTags: ['ice', 'dtls', 'srtp'] });
worker.on('died', () => process.exit(1));
const webRtcServer = await worker.createWebRtcServer({
  listenInfos: [
    { protocol: 'udp', ip: listenIp, announcedAddress: listenIp, port: 0 },
    { protocol: 'tcp', ip: listenIp, announcedAddress: listenIp, port: 0 },
  ],
});

const rooms = new Map<string, Promise<BareRoom>>();
function getRoom(roomId: string): Promise<BareRoom> {
  let room = rooms.get(roomId);
  if (!room) {
    room = worker.createRouter({ mediaCodecs: options.mediaCodecs }).then((router) => ({ router, peers: new Map() }));
    rooms.set(roomId, room);
  }
  return room;
}

const handler: http.RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://bare');
  const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
  if (!options.pageDir || !/^[\w.-]+$/.test(file) || !fs.existsSync(path.join(options.pageDir, file))) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': file.endsWith('.html') ? 'text/html' : 'text/javascript', 'Cache-Control': 'no-store' });
  fs.createReadStream(path.join(options.pageDir, file)).pipe(res);
};
const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
const io = new Server(server, { serveClient: false, cors: { origin: true } });

let nextPeer = 1;
io.on('connection', (socket) => {
  const roomId = String(socket.handshake.query.roomId ?? 'bench');
  const peer: BarePeer = { id: `p${nextPeer++}`, socket, joined: false, transports: new Map(), producers: new Map(), consumers: new Map() };
  // Handlers are attached synchronously (a request may arrive while the router is being created).
  const roomReady = getRoom(roomId).then((room) => {
    room.peers.set(peer.id, peer);
    return room;
  });
  let room!: BareRoom;
  const others = () => [...room.peers.values()].filter((p) => p !== peer && p.joined);

  const handlers: Record<string, (data: any) => unknown> = {
    getRouterRtpCapabilities: () => room.router.rtpCapabilities,

    async createWebRtcTransport() {
      const transport = await room.router.createWebRtcTransport({
        webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: 1_000_000,
        enableSctp: true,
      });
      peer.transports.set(transport.id, transport);
      return {
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
        sctpParameters: transport.sctpParameters,
      };
    },

    join(data: { displayName: string; rtpCapabilities: types.RtpCapabilities }) {
      peer.displayName = data.displayName;
      peer.rtpCapabilities = data.rtpCapabilities;
      peer.joined = true;
      for (const other of others()) other.socket.emit('newPeer', { id: peer.id, displayName: peer.displayName });
      return {
        peerId: peer.id,
        peers: others().map((p) => ({ id: p.id, displayName: p.displayName, producers: [...p.producers.values()].map((pr) => ({ id: pr.id, kind: pr.kind })) })),
      };
    },

    async connectWebRtcTransport(data: { transportId: string; dtlsParameters: types.DtlsParameters }) {
      await peer.transports.get(data.transportId)!.connect({ dtlsParameters: data.dtlsParameters });
      return {};
    },

    async produce(data: { transportId: string; kind: types.MediaKind; rtpParameters: types.RtpParameters; appData?: Record<string, unknown> }) {
      const producer = await peer.transports.get(data.transportId)!.produce({ kind: data.kind, rtpParameters: data.rtpParameters, appData: data.appData });
      peer.producers.set(producer.id, producer);
      producer.observer.once('close', () => peer.producers.delete(producer.id));
      for (const other of others()) other.socket.emit('newProducer', { peerId: peer.id, producerId: producer.id, kind: producer.kind });
      return { id: producer.id };
    },

    async consume(data: { transportId: string; producerId: string }) {
      const transport = peer.transports.get(data.transportId)!;
      const consumer = await transport.consume({ producerId: data.producerId, rtpCapabilities: peer.rtpCapabilities!, paused: true });
      peer.consumers.set(consumer.id, consumer);
      consumer.observer.once('close', () => peer.consumers.delete(consumer.id));
      consumer.on('producerclose', () => {
        consumer.close();
        socket.emit('consumerClosed', { consumerId: consumer.id });
      });
      return { id: consumer.id, producerId: data.producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters };
    },

    async resumeConsumer(data: { consumerId: string }) {
      await peer.consumers.get(data.consumerId)!.resume();
      return {};
    },

    async pauseConsumer(data: { consumerId: string }) {
      await peer.consumers.get(data.consumerId)!.pause();
      return {};
    },

    async setConsumerPreferredLayers(data: { consumerId: string; spatialLayer: number; temporalLayer?: number }) {
      await peer.consumers.get(data.consumerId)!.setPreferredLayers({ spatialLayer: data.spatialLayer, temporalLayer: data.temporalLayer });
      return {};
    },
  };

  const answer = async (name: string, args: unknown[]): Promise<void> => {
    const ack = args.at(-1) as (result: unknown) => void;
    if (typeof ack !== 'function') return;
    try {
      room ??= await roomReady;
      const handler = handlers[name];
      if (!handler) throw new Error(`unknown request ${name}`);
      ack({ ok: true, data: await handler(args[0]) });
    } catch (error) {
      ack({ ok: false, error: { code: 'internal', message: (error as Error).message } });
    }
  };
  socket.onAny((name: string, ...args: unknown[]) => void answer(name, args));

  socket.on('disconnect', async () => {
    room ??= await roomReady;
    room.peers.delete(peer.id);
    for (const transport of peer.transports.values()) transport.close();
    for (const other of others()) other.socket.emit('peerClosed', { peerId: peer.id });
  });
});

await new Promise<void>((resolve) => server.listen(0, listenIp, () => resolve()));
const { port } = server.address() as AddressInfo;

serveParent(
  { baseUrl: `${tls ? 'https' : 'http'}://${listenIp}:${port}`, workerPid: worker.pid, info: { server: 'bare' } },
  {
    async sample() {
      let peers = 0;
      let producers = 0;
      let consumers = 0;
      const transports: types.WebRtcTransport[] = [];
      for (const pending of rooms.values()) {
        const room = await pending;
        for (const peer of room.peers.values()) {
          peers++;
          producers += peer.producers.size;
          consumers += peer.consumers.size;
          transports.push(...peer.transports.values());
        }
      }
      return sampleServer(worker, transports, { peers, producers, consumers });
    },
  },
  async () => {
    void io.close();
    worker.close();
    server.closeAllConnections();
  },
);
