import { resolveObjectURL } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Conference } from '../../renderer/src/conference';
import type { FileTransfer } from '../../renderer/src/conference/fileTransfer/FileTransfer';
import { installWrtcGlobals } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { roomOf } from './clusterTestKit';
import { useSpanningPair } from './spanningPair';

installWrtcGlobals();

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The first incoming transfer of `viewer` named `name`, once it ended. */
const ended = (viewer: Conference, name: string): Promise<FileTransfer> =>
  waitFor(() => viewer.files.list.find((t) => t.direction === 'incoming' && t.name === name && ['done', 'corrupted', 'cancelled', 'failed'].includes(t.state)), `${name} to end`, 30_000);

/**
 * Files between participants on different nodes of a meeting: the transfer's data producer is
 * piped to the recipient's node over the nodes' PipeTransport (SCTP) and consumed there, the SDK's
 * own send/receive path with its SHA-256 check. Real redis-server, real host processes, SDK
 * clients on @roamhq/wrtc.
 */
describe('files across the nodes of a meeting', () => {
  const pair = useSpanningPair('files');
  const { kit } = pair;

  it('a file to one participant on the other node, and one to everyone on both nodes, arrive whole with their SHA-256', async () => {
    const ann = await kit.join(pair.a.url, 'files', 'Ann');
    const [annNode, other] = await pair.servedBy('files');
    const ben = await kit.join(other.url, 'files', 'Ben');
    const cid = await kit.join(annNode.url, 'files', 'Cid');
    expect(roomOf(await other.health(), 'files')?.peers).toBe(1);
    await waitFor(() => ann.participants.has(ben.peerId!) && ben.participants.has(ann.peerId!) && ben.participants.has(cid.peerId!), 'everyone listed', 10_000);

    // Private: Ann (node 1) to Ben (node 2), 3 MiB so the pacing by Ben's acknowledgements matters.
    const secret = randomBytes(3 * 1024 * 1024 + 123);
    const sent = await ann.files.send(new Blob([secret]), { name: 'secret.bin', to: ben.peerId! });
    const forBen = await ended(ben, 'secret.bin');
    expect(forBen).toMatchObject({ state: 'done', bytes: secret.length, sha256: sha256(secret), private: true, peerId: ann.peerId });
    expect(sha256(Buffer.from(await resolveObjectURL(forBen.url!)!.arrayBuffer()))).toBe(sha256(secret));
    await waitFor(() => ann.files.get(sent.id)?.state === 'done', 'Ann sees it delivered', 10_000);
    expect(cid.files.list).toHaveLength(0);

    // To everyone, from the other node: Ann and Cid (node 1) both get it.
    const notes = randomBytes(512 * 1024 + 7);
    const shared = await ben.files.send(new Blob([notes]), { name: 'notes.bin' });
    const [forAnn, forCid] = await Promise.all([ended(ann, 'notes.bin'), ended(cid, 'notes.bin')]);
    for (const received of [forAnn, forCid]) {
      expect(received).toMatchObject({ state: 'done', bytes: notes.length, sha256: sha256(notes) });
      expect(sha256(Buffer.from(await resolveObjectURL(received.url!)!.arrayBuffer()))).toBe(sha256(notes));
    }
    await waitFor(() => ben.files.get(shared.id)?.state === 'done', 'Ben sees it delivered to both', 10_000);
    expect(ben.files.get(shared.id)?.outcomes).toMatchObject({ received: 2 });
  }, 120_000);

  it('a recipient on the other node who cancels, and one who leaves mid-transfer, end the transfer for the sender', async () => {
    const ann = await kit.join(pair.a.url, 'cancel', 'Ann');
    const [, other] = await pair.servedBy('cancel');
    const ben = await kit.join(other.url, 'cancel', 'Ben');
    await waitFor(() => ann.participants.has(ben.peerId!), 'Ann lists Ben', 10_000);

    const big = randomBytes(40 * 1024 * 1024);
    ben.files.on('transfer', (t) => {
      if (t.name === 'big.bin' && t.direction === 'incoming' && t.state === 'transferring' && t.bytes > 0) ben.files.cancel(t.id);
    });
    const sent = await ann.files.send(new Blob([big]), { name: 'big.bin', to: ben.peerId! });
    await waitFor(() => ann.files.get(sent.id)?.state === 'cancelled', 'Ann sees Ben cancel', 30_000);
    expect(ann.files.get(sent.id)?.outcomes).toMatchObject({ cancelled: 1 });

    const again = await ann.files.send(new Blob([big]), { name: 'big-again.bin', to: ben.peerId! });
    await waitFor(() => ben.files.list.some((t) => t.name === 'big-again.bin' && t.bytes > 0), 'Ben receiving', 30_000);
    await ben.leave();
    await waitFor(() => ann.files.get(again.id)?.state === 'failed', 'the transfer ends for Ann', 30_000);
    expect(ann.files.get(again.id)?.outcomes).toMatchObject({ left: 1 });
  }, 120_000);
});
