import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { describe, expect, it } from 'vitest';
import { useWorkerRouter } from '../../../tests/support/workerRouter';
import { createLogger } from '../logger';
import type { Peer } from '../Peer';
import type { Room } from '../Room';
import { FileRelay } from '../room/FileRelay';
import type { RoomRouters } from '../room/RoomRouters';
import type { SpanPipes } from './SpanPipes';
import { SpanFiles } from './SpanFiles';

type Notice = [string, unknown];

/** The sender, as FileRelay sees a participant: a real send transport with SCTP, its notifications recorded. */
function senderOn(transport: types.WebRtcTransport): { peer: Peer; notices: Notice[] } {
  const notices: Notice[] = [];
  const peer = Object.assign(new EventEmitter(), {
    id: 'ann',
    displayName: 'Ann',
    closed: false,
    sendTransport: transport,
    channel: { notify: (name: string, data: unknown) => notices.push([name, data]) },
  });
  return { peer: peer as unknown as Peer, notices };
}

/**
 * The sender's node of a meeting spanning nodes: the real FileRelay and SpanFiles over a real
 * worker, the other node (Ben's) played by the cluster bus' `ask`, in the orders the bus can
 * deliver its messages.
 */
describe('a file to a participant another node serves (the sender\'s node)', () => {
  const worker = useWorkerRouter([]);

  /** `answerOffer`: what Ben's node does before its answer to `fileOffer` reaches this node. */
  async function relayWith(answerOffer: (files: SpanFiles, transferId: string) => void) {
    const asked: [string, unknown][] = [];
    const files: SpanFiles = new SpanFiles({
      room: { id: 'room' } as Room,
      pipes: {} as SpanPipes,
      ask: (async (node: string, op: string, args: unknown) => {
        asked.push([op, args]);
        if (op === 'fileOffer') answerOffer(files, (args as { offer: { transferId: string } }).offer.transferId);
        return {};
      }) as never,
      nodeOf: (peerId) => (peerId === 'ben' ? 'node-b' : undefined),
      remoteIds: () => ['ben'],
      logger: createLogger('silent'),
    });
    const relay = new FileRelay(
      { peers: new Map(), routers: { routerOf: () => undefined } as unknown as RoomRouters, remote: files },
      { maxFileBytes: 1024 ** 2, logger: createLogger('silent'), startTimeoutMs: 300 },
    );
    const transport = await worker.router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }], enableSctp: true });
    const { peer, notices } = senderOn(transport);
    const { transferId } = relay.offer(peer, { name: 'a.bin', size: 1000, mimeType: '', toPeerId: 'ben' });
    await relay.produce(peer, { transportId: transport.id, transferId, sctpStreamParameters: { streamId: 1, ordered: true }, label: 'file', protocol: 'roundtable-file/1' });
    return { relay, files, notices, asked, transferId, transport };
  }

  it('takes the recipient\'s first acknowledgement even when it arrives before the answer to the offer', async () => {
    // Ben's node notifies Ben before it answers; Ben's "ready" (ack 0) can then reach this node in
    // the same read from Redis as the answer, and be handled first.
    const { notices, transferId, transport } = await relayWith((files, id) => {
      files.fromRecipient('node-b', { roomId: 'room', transferId: id, peerId: 'ben', event: { kind: 'ack', received: 0 } });
    });
    expect(notices).toContainEqual(['fileProgress', { transferId, delivered: 0, recipients: 1 }]);
    transport.close();
  });

  it('tells the recipient\'s node why the transfer ended for it when the recipient never got ready', async () => {
    const { notices, asked, transferId, transport } = await relayWith(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(notices).toContainEqual(['fileRecipientEnded', { transferId, peerId: 'ben', outcome: 'failed' }]);
    expect(asked).toContainEqual(['fileToRecipient', { roomId: 'room', transferId, peerId: 'ben', ended: 'timeout' }]);
    transport.close();
  });

  it('a recipient who cancels before the offer\'s answer arrives: its end on the other node is closed once the answer comes', async () => {
    const { notices, asked, transferId, transport } = await relayWith((files, id) => {
      files.fromRecipient('node-b', { roomId: 'room', transferId: id, peerId: 'ben', event: { kind: 'cancel' } });
    });
    expect(notices).toContainEqual(['fileRecipientEnded', { transferId, peerId: 'ben', outcome: 'cancelled' }]);
    expect(notices).toContainEqual(['fileEnded', { transferId, reason: 'done' }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).toContainEqual(['fileToRecipient', { roomId: 'room', transferId, peerId: 'ben', close: true }]);
    transport.close();
  });
});
