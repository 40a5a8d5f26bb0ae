import { createHash, randomBytes } from 'node:crypto';
import { resolveObjectURL } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Conference, FileTransfer } from '../../renderer/src/conference';
import type { Room } from '../../electron/host/Room';
import { useTestHost } from '../support/meetingFixture';
import { waitFor } from '../support/testHost';

// The cancel and leave cases act once the first bytes arrived; a file must outlast that look by far
// (8 MiB once arrived whole before the cancel, in a clean-clone CI run).
const MAX_FILE_BYTES = 64 * 1024 ** 2;

/** What the worker holds for a room: every data producer and the data consumers of each. */
async function dataGraph(room: Room): Promise<{ producers: number; consumers: number }> {
  const dump = (await room.router.dump()) as { mapDataProducerIdDataConsumerIds: { key: string; values: string[] }[]; mapDataConsumerIdDataProducerId: unknown[] };
  return { producers: dump.mapDataProducerIdDataConsumerIds.length, consumers: dump.mapDataConsumerIdDataProducerId.length };
}

async function recvDataConsumers(room: Room, peerId: string): Promise<number> {
  const dump = (await room.peers.get(peerId)!.recvTransport.dump()) as { dataConsumerIds: string[] };
  return dump.dataConsumerIds.length;
}

function ended(conference: Conference, transferId: () => string | undefined): Promise<FileTransfer> {
  return waitFor(() => {
    const id = transferId();
    const transfer = id ? conference.files.get(id) : undefined;
    return transfer && !['starting', 'transferring', 'verifying'].includes(transfer.state) ? transfer : undefined;
  }, 'the transfer to end', 30_000);
}

async function downloaded(transfer: FileTransfer): Promise<Buffer> {
  const blob = resolveObjectURL(transfer.url!);
  return Buffer.from(await blob!.arrayBuffer());
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const raw = (conference: Conference) => conference.socket as unknown as Socket;

describe('file transfer through the SFU (real worker, wrtc peers)', () => {
  const meeting = useTestHost({ maxFileBytes: MAX_FILE_BYTES });
  const { joined } = meeting;
  const newRoom = () => meeting.newRoom('files');

  it('sends a file to everyone: each copy matches, both sides see progress, nothing is left on the worker', async () => {
    const roomId = newRoom();
    const ann = await joined(roomId, 'Ann');
    const ben = await joined(roomId, 'Ben');
    const cat = await joined(roomId, 'Cat');
    expect(ann.files.maxFileBytes).toBe(MAX_FILE_BYTES);
    const bytes = randomBytes(3 * 1024 ** 2 + 123);
    const seen = { sender: new Set<string>(), receiver: [] as number[] };
    ann.files.on('transfer', (t) => seen.sender.add(t.state));
    ben.files.on('transfer', (t) => seen.receiver.push(t.bytes));

    const sent = await ann.files.send(new Blob([bytes], { type: 'application/octet-stream' }), { name: 'report.bin' });
    const outgoing = await ended(ann, () => sent.id);
    const [forBen, forCat] = await Promise.all([ended(ben, () => ben.files.list[0]?.id), ended(cat, () => cat.files.list[0]?.id)]);

    expect(outgoing).toMatchObject({ state: 'done', bytes: bytes.length, outcomes: { received: 2 } });
    for (const incoming of [forBen, forCat]) {
      expect(incoming).toMatchObject({ state: 'done', name: 'report.bin', size: bytes.length, private: false, displayName: 'Ann', sha256: sha256(bytes) });
      expect(sha256(await downloaded(incoming))).toBe(sha256(bytes));
    }
    expect(seen.sender.has('transferring')).toBe(true);
    expect(seen.receiver.some((n) => n > 0 && n < bytes.length)).toBe(true);
    const room = meeting.host.rooms.get(roomId)!;
    await waitFor(async () => (await dataGraph(room)).producers === 0 && (await dataGraph(room)).consumers === 0, 'data producers and consumers closed');
  });

  it('a private file and a private message reach only their recipient and are not kept in the room', async () => {
    const roomId = newRoom();
    const ann = await joined(roomId, 'Ann');
    const ben = await joined(roomId, 'Ben');
    const cat = await joined(roomId, 'Cat');
    const catSaw: string[] = [];
    raw(cat).on('fileOffered', () => catSaw.push('fileOffered'));
    raw(cat).on('privateMessage', () => catSaw.push('privateMessage'));
    raw(cat).on('chatMessage', () => catSaw.push('chatMessage'));
    const room = meeting.host.rooms.get(roomId)!;

    const bytes = randomBytes(2 * 1024 ** 2);
    const sent = await ann.files.send(new Blob([bytes]), { name: 'salary.pdf', to: ben.peerId });
    await waitFor(() => ben.files.list[0]?.state === 'transferring', 'Ben receiving');
    expect(await recvDataConsumers(room, ben.peerId!)).toBe(1);
    expect(await recvDataConsumers(room, cat.peerId!)).toBe(0);
    const incoming = await ended(ben, () => ben.files.list[0]?.id);
    expect(incoming).toMatchObject({ state: 'done', private: true });
    expect(sha256(await downloaded(incoming))).toBe(sha256(bytes));
    expect((await ended(ann, () => sent.id)).state).toBe('done');

    const got = new Promise((resolve) => ben.privateMessages.once('message', resolve));
    const message = await ann.privateMessages.send(ben.peerId!, 'just for you');
    expect(await got).toMatchObject({ text: 'just for you', peerId: ann.peerId, toPeerId: ben.peerId, local: false });
    expect(message).toMatchObject({ local: true, toDisplayName: 'Ben' });
    const late = await joined(roomId, 'Late');
    expect(late.chatHistory).toEqual([]);
    expect(cat.files.list).toEqual([]);
    expect(cat.privateMessages.list).toEqual([]);
    expect(catSaw).toEqual([]);
    await expect(ann.privateMessages.send('nobody', 'hello')).rejects.toMatchObject({ code: 'not_found' });
  });

  // Each case in its own room with fresh participants: a second data channel on the same wrtc
  // transports after a remote close sometimes never carries data (a wedge seen only with wrtc's
  // SCTP so far, in about 1 of 3 runs; see the session note) and is not what these cases test.
  const big = () => new Blob([randomBytes(MAX_FILE_BYTES)]);
  const receiving = (c: Conference) => waitFor(() => c.files.list.length === 1 && c.files.list[0]!.bytes > 0 && c.files.list[0], 'bytes arriving');
  const closedOnHost = (roomId: string, after: string) =>
    waitFor(async () => {
      const graph = await dataGraph(meeting.host.rooms.get(roomId)!);
      return graph.producers === 0 && graph.consumers === 0;
    }, `closed after ${after}`);

  it('the sender cancels: both sides end cancelled and every data producer and consumer closes', async () => {
    const roomId = newRoom();
    const ann = await joined(roomId, 'Ann');
    const ben = await joined(roomId, 'Ben');
    const first = await ann.files.send(big(), { to: ben.peerId });
    await receiving(ben);
    ann.files.cancel(first.id);
    expect((await ended(ben, () => ben.files.list[0]?.id)).state).toBe('cancelled');
    expect((await ended(ann, () => first.id)).state).toBe('cancelled');
    await closedOnHost(roomId, 'the sender cancelled');
  });

  it('the recipient cancels: the sender sees it and every data producer and consumer closes', async () => {
    const roomId = newRoom();
    const ann = await joined(roomId, 'Ann');
    const ben = await joined(roomId, 'Ben');
    const second = await ann.files.send(big(), { to: ben.peerId });
    const incoming = await receiving(ben);
    ben.files.cancel(incoming.id);
    expect((await ended(ann, () => second.id)).state).toBe('cancelled');
    expect(ann.files.get(second.id)!.outcomes).toEqual({ cancelled: 1 });
    await closedOnHost(roomId, 'the recipient cancelled');
  });

  it('the sender or the recipient leaving mid-transfer ends it and closes every data producer and consumer', async () => {
    const roomId = newRoom();
    const ben = await joined(roomId, 'Ben');
    const cat = await joined(roomId, 'Cat');
    await cat.files.send(big(), { to: ben.peerId });
    await receiving(ben);
    await cat.leave();
    const orphan = await ended(ben, () => ben.files.list[0]?.id);
    expect(orphan).toMatchObject({ state: 'failed', message: 'Cat left before the file arrived' });
    await closedOnHost(roomId, 'the sender left');

    const otherRoom = newRoom();
    const ann = await joined(otherRoom, 'Ann');
    const dan = await joined(otherRoom, 'Dan');
    const third = await ann.files.send(big(), { to: dan.peerId });
    await receiving(dan);
    await dan.leave();
    const outgoing = await ended(ann, () => third.id);
    expect(outgoing.state).toBe('failed');
    expect(outgoing.outcomes).toEqual({ left: 1 });
    await closedOnHost(otherRoom, 'the recipient left');
  });

  it('after cancelled transfers (either side), the next files between the same two participants still arrive', async () => {
    // Closing a data channel resets its SCTP stream. Reset while the sender still had data queued or
    // in flight, the sender's whole association stopped sending (wrtc: the next file stalled at 0
    // bytes in about half the rounds); the host now closes a channel once it drained, and a new file
    // waits for that. Several rounds: the wedge was not certain in any one of them.
    const roomId = newRoom();
    const ann = await joined(roomId, 'Ann');
    const ben = await joined(roomId, 'Ben');
    // Twelve offers go past the host's 10-per-10-s budget: wait out the limit as a user would.
    const send = async (file: Blob) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await ann.files.send(file, { to: ben.peerId });
        } catch (error) {
          if ((error as { code?: string }).code !== 'rate_limited' || attempt >= 10) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    };
    for (const [round, canceller] of ['recipient', 'sender', 'recipient', 'recipient', 'recipient', 'recipient'].entries()) {
      // On loopback 8 MiB can arrive whole between two looks at the progress (a clean-clone CI run:
      // the file was 'done' when the cancel came). Cancelling a finished file is rightly a no-op, and
      // not what this round is about: it sends another, at most three times.
      let outcome: string | undefined;
      for (let attempt = 0; attempt < 3 && outcome !== 'cancelled'; attempt++) {
        const cancelled = await send(big());
        await waitFor(() => (ben.files.get(cancelled.id)?.bytes ?? 0) > 0, `round ${round}: bytes arriving`);
        if (canceller === 'sender') ann.files.cancel(cancelled.id);
        else ben.files.cancel(cancelled.id);
        outcome = (await ended(ann, () => cancelled.id)).state;
        expect(['cancelled', 'done'], `round ${round}: the cancelled file`).toContain(outcome);
      }
      expect(outcome, `round ${round}: a file cancelled mid-transfer`).toBe('cancelled');
      const bytes = randomBytes(256 * 1024 + round);
      const next = await send(new Blob([bytes]));
      const arrived = await ended(ben, () => (ben.files.get(next.id) ? next.id : undefined));
      expect(arrived.state, `round ${round} (${canceller} cancelled): the next file`).toBe('done');
      expect(sha256(await downloaded(arrived))).toBe(sha256(bytes));
    }
    await closedOnHost(roomId, 'the last transfer');
  }, 120_000);

  it('refuses offers over the cap and too many offers; a sender that sends more than it declared loses its data producer', async () => {
    const roomId = newRoom();
    const ann = await joined(roomId, 'Ann');
    const ben = await joined(roomId, 'Ben');
    const room = meeting.host.rooms.get(roomId)!;

    await expect(ann.files.send(new Blob([new Uint8Array(MAX_FILE_BYTES + 1)]))).rejects.toMatchObject({ code: 'limit_exceeded' });
    // Past the SDK's own check, the host refuses as well.
    const overCap = await raw(ann).emitWithAck('offerFile', { name: 'big.iso', size: MAX_FILE_BYTES + 1, mimeType: '' });
    expect(overCap).toMatchObject({ ok: false, error: { code: 'limit_exceeded' } });
    const spoofed = await raw(ann).emitWithAck('offerFile', { name: 'invoice\u202Efdp.exe', size: 10, mimeType: '' });
    expect(spoofed).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    // Declares 1000 bytes, sends 200 KB through a data producer of its own. Ben's SDK stays out of
    // it (it would itself stop at 1000 bytes and report the file corrupted): the host must catch it.
    raw(ben).off('fileOffered');
    const endedForBen = new Promise((resolve) => raw(ben).on('fileEnded', resolve));
    const offer = (await raw(ann).emitWithAck('offerFile', { name: 'small.txt', size: 1000, mimeType: 'text/plain' })) as { ok: true; data: { transferId: string } };
    const send = ann.transports.send!;
    send.on('producedata', ({ sctpStreamParameters, label, protocol }, callback, errback) => {
      raw(ann)
        .emitWithAck('produceFileData', { transportId: send.id, transferId: offer.data.transferId, sctpStreamParameters: { streamId: sctpStreamParameters.streamId, ordered: true }, label, protocol })
        .then((ack: { ok: boolean; data: { dataProducerId: string } }) => (ack.ok ? callback({ id: ack.data.dataProducerId }) : errback(new Error('refused'))), errback);
    });
    const endedForAnn = new Promise((resolve) => raw(ann).on('fileEnded', resolve));
    const producer = await send.produceData({ ordered: true, label: 'file', protocol: 'roundtable-file/1' });
    await waitFor(() => producer.readyState === 'open', 'data channel open');
    for (let i = 0; i < 4; i++) producer.send(new ArrayBuffer(50_000));
    expect(await endedForAnn).toEqual({ transferId: offer.data.transferId, reason: 'oversize' });
    expect(await endedForBen).toEqual({ transferId: offer.data.transferId, reason: 'oversize' });
    await waitFor(async () => (await dataGraph(room)).producers === 0 && (await dataGraph(room)).consumers === 0, 'the oversize producer closed');

    // Offers are rate-limited (ActionLimits): the budget is 10 per 10 s, two were used above.
    const results = [];
    for (let i = 0; i < 10; i++) results.push((await raw(ann).emitWithAck('offerFile', { name: `f${i}`, size: 1, mimeType: '' })) as { ok: boolean; error?: { code: string } });
    expect(results.map((r) => r.error?.code)).toContain('rate_limited');
  });
});

describe('file transfer in a room spanning two workers', () => {
  const meeting = useTestHost({ workers: 2, workerMaxConsumers: 1 });
  const { joined } = meeting;

  it('pipes a transfer to a recipient on the other worker, both ways', async () => {
    const ann = await joined('span-files', 'Ann');
    const media = meeting.media({ width: 160, height: 120, fps: 10 });
    await ann.produceTrack(media.video, 'camera');
    const ben = await joined('span-files', 'Ben');
    const room = meeting.host.rooms.get('span-files')!;
    await waitFor(() => room.slot.consumers >= 1, 'home worker forwarding');
    const cid = await joined('span-files', 'Cid');
    const routerOf = (c: Conference) => room.media.routers.routerOf(room.peers.get(c.peerId!)!)!.router;
    expect(routerOf(cid)).not.toBe(routerOf(ann));

    const bytes = randomBytes(1024 ** 2 + 7);
    const toAll = await ann.files.send(new Blob([bytes]), { name: 'all.bin' });
    for (const c of [ben, cid]) expect(sha256(await downloaded(await ended(c, () => c.files.list[0]?.id)))).toBe(sha256(bytes));
    expect((await ended(ann, () => toAll.id)).outcomes).toEqual({ received: 2 });

    const back = randomBytes(512 * 1024);
    await cid.files.send(new Blob([back]), { name: 'back.bin', to: ben.peerId });
    expect(sha256(await downloaded(await ended(ben, () => ben.files.list[1]?.id)))).toBe(sha256(back));
    expect(ann.files.list).toHaveLength(1);
    for (const router of [routerOf(ann), routerOf(cid)]) {
      await waitFor(async () => {
        const dump = (await router.dump()) as { mapDataConsumerIdDataProducerId: unknown[]; mapDataProducerIdDataConsumerIds: unknown[] };
        return dump.mapDataConsumerIdDataProducerId.length === 0 && dump.mapDataProducerIdDataConsumerIds.length === 0;
      }, 'no data producer or consumer left on either router');
    }
  });
});
