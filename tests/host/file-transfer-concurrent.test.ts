/**
 * Issue 14 part 3: two files in flight at once between the same two participants, one of them
 * cancelled (by its sender, or by its recipient): the other still arrives intact, the cancelled one
 * ends as cancelled on both sides, and the host keeps no data producer or consumer of it.
 * Real host and worker, @roamhq/wrtc peers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { resolveObjectURL } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import type { Conference, FileTransfer } from '../../renderer/src/conference';
import { useTestHost } from '../support/meetingFixture';
import { PausedFile } from '../support/pausedFile';
import { waitFor } from '../support/testHost';

const MiB = 1024 ** 2;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function ended(conference: Conference, transferId: () => string | undefined): Promise<FileTransfer> {
  return waitFor(() => {
    const id = transferId();
    const transfer = id ? conference.files.get(id) : undefined;
    return transfer && !['starting', 'transferring', 'verifying'].includes(transfer.state) ? transfer : undefined;
  }, 'the transfer to end', 30_000);
}

/** The host's data producers and consumers of each transfer, as the worker creates them. */
function hostChannels(sendTransport: types.Transport, recvTransport: types.Transport) {
  const producers = new Map<string, types.DataProducer>();
  const consumers = new Map<string, types.DataConsumer>();
  sendTransport.observer.on('newdataproducer', (p: types.DataProducer) => producers.set(String(p.appData.transferId), p));
  recvTransport.observer.on('newdataconsumer', (c: types.DataConsumer) => consumers.set(String(c.appData.transferId), c));
  return { producers, consumers };
}

describe('two files in flight at once, one cancelled', () => {
  const meeting = useTestHost();

  for (const canceller of ['sender', 'recipient'] as const) {
    it(`by its ${canceller}: the other arrives with its SHA-256, the cancelled one ends cancelled on both sides and leaves nothing open on the host`, async () => {
      const roomId = meeting.newRoom('two-files');
      const ann = await meeting.joined(roomId, 'Ann');
      const ben = await meeting.joined(roomId, 'Ben');
      const room = meeting.host.rooms.get(roomId)!;
      const channels = hostChannels(room.peers.get(ann.peerId!)!.sendTransport, room.peers.get(ben.peerId!)!.recvTransport);

      // The one to cancel keeps sending; the other holds after 2 MiB until the cancel has settled,
      // so both are in flight on the same SCTP association when one is cancelled.
      const doomed = await ann.files.send(new Blob([randomBytes(48 * MiB)]), { name: 'doomed.bin', to: ben.peerId! });
      const keptBytes = randomBytes(12 * MiB + 321);
      const keptFile = new PausedFile(keptBytes, 2 * MiB);
      const kept = await ann.files.send(keptFile, { name: 'kept.bin', to: ben.peerId! });
      await keptFile.paused;
      await waitFor(() => (ben.files.get(doomed.id)?.bytes ?? 0) > 0 && (ben.files.get(kept.id)?.bytes ?? 0) > 0, 'both files arriving');

      if (canceller === 'sender') ann.files.cancel(doomed.id);
      else ben.files.cancel(doomed.id);
      // The other file goes on at once: its stream carries data while the host closes the cancelled one's.
      keptFile.resume();
      expect((await ended(ann, () => doomed.id)).state).toBe('cancelled');
      expect((await ended(ben, () => doomed.id)).state).toBe('cancelled');
      // The host closes the cancelled transfer's data producer and consumer.
      await waitFor(() => channels.producers.get(doomed.id)?.closed && channels.consumers.get(doomed.id)?.closed, 'the cancelled transfer closed on the host', 15_000);
      const arrived = await ended(ben, () => kept.id);
      expect(arrived.state, arrived.message).toBe('done');
      expect(sha256(Buffer.from(await resolveObjectURL(arrived.url!)!.arrayBuffer()))).toBe(sha256(keptBytes));
      expect((await ended(ann, () => kept.id)).state).toBe('done');
      expect(ben.files.get(doomed.id)?.state).toBe('cancelled');
      // Nothing of either transfer is left on the worker.
      await waitFor(async () => {
        const dump = (await room.router.dump()) as { mapDataProducerIdDataConsumerIds: unknown[]; mapDataConsumerIdDataProducerId: unknown[] };
        return dump.mapDataProducerIdDataConsumerIds.length === 0 && dump.mapDataConsumerIdDataProducerId.length === 0;
      }, 'every data producer and consumer closed on the worker', 15_000);
    }, 90_000);
  }
});
