/**
 * Issue 14 parts 1 and 3: a file sent in an end-to-end encrypted meeting reaches the host as
 * ciphertext only, and so do its name, type and size (the host relays them sealed, and a padded size). What the host relays is recorded with a DirectTransport data consumer of the
 * sender's data producer (the same bytes the recipients' consumers get): none of the file's bytes
 * are in it, and the hash it relays is not the file's SHA-256. A recipient with the meeting key
 * gets the file with its SHA-256; one with another key sees "cannot decrypt", not garbage.
 * Real host, @roamhq/wrtc clients (the frame worker is a no-op: media is not what is tested).
 */
import { createHash, randomBytes } from 'node:crypto';
import { resolveObjectURL } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import type { Socket } from 'socket.io-client';
import type { Conference, FileTransfer } from '../../renderer/src/conference';
import { E2eeSession } from '../../renderer/src/e2ee';
import { useTestHost } from '../support/meetingFixture';
import { waitFor } from '../support/testHost';
import { paddedSize } from '../../renderer/src/conference/fileTransfer/wireSize';

const KEY = 'Kq3v9TzX1bN0pQ7rS2uW4w';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('files in an end-to-end encrypted meeting', () => {
  const fixture = useTestHost();

  function encrypted(key: string, roomId: string): Conference {
    const conference = fixture.client();
    const session = new E2eeSession(key, roomId, { api: 'encoded-streams', createWorker: () => ({ postMessage() {}, terminate() {}, onmessage: null, onerror: null }) as unknown as Worker, passphraseIterations: 1_000 });
    fixture.defer(session.attach(conference));
    return conference;
  }

  function ended(conference: Conference): Promise<FileTransfer> {
    return waitFor(() => conference.files.list.find((t) => t.direction === 'incoming' && ['done', 'corrupted', 'cancelled', 'failed'].includes(t.state)), 'the incoming file to end', 30_000);
  }

  it('the host relays ciphertext only; the recipient with the key gets the file with its SHA-256, one with another key sees "cannot decrypt"', async () => {
    const roomId = fixture.newRoom('e2ee-files');
    const ann = encrypted(KEY, roomId);
    await ann.join({ roomId, displayName: 'Ann', ownerKey: fixture.host.ownerKey });
    const ben = encrypted(KEY, roomId);
    await ben.join({ roomId, displayName: 'Ben' });
    const cat = encrypted('another meeting key entirely', roomId);
    await cat.join({ roomId, displayName: 'Cat' });
    const room = fixture.host.rooms.get(roomId)!;
    expect(room.meetingState.admission.e2ee.on).toBe(true);

    // Everything the host relays for Ann's file, as a recipient's data consumer receives it.
    const relayed: Buffer[] = [];
    const direct = await room.router.createDirectTransport();
    fixture.defer(() => direct.close());
    room.peers.get(ann.peerId!)!.sendTransport.observer.once('newdataproducer', (producer: types.DataProducer) => {
      void direct.consumeData({ dataProducerId: producer.id }).then((consumer) => consumer.on('message', (message: Buffer) => relayed.push(Buffer.from(message))));
    });
    // Everything the host receives on signaling from here on (the offer included).
    const signaled: string[] = [];
    for (const socket of fixture.host.signaling.io.of('/').sockets.values()) {
      socket.conn.on('packet', (packet: { data?: unknown }) => signaled.push(typeof packet.data === 'string' ? packet.data : JSON.stringify(packet.data ?? '')));
    }
    const relayedHashes: string[] = [];
    (ben.socket as unknown as Socket).on('fileHash', ({ sha256: hash }: { sha256: string }) => relayedHashes.push(hash));

    const bytes = randomBytes(5 * 1024 ** 2 + 777);
    const sent = await ann.files.send(new Blob([bytes], { type: 'application/pdf' }), { name: 'minutes.pdf' });
    expect(sent.size).toBe(bytes.length);
    const [forBen, forCat] = await Promise.all([ended(ben), ended(cat)]);

    expect(forBen).toMatchObject({ state: 'done', name: 'minutes.pdf', mimeType: 'application/pdf', size: bytes.length, bytes: bytes.length, sha256: sha256(bytes) });
    expect(sha256(Buffer.from(await resolveObjectURL(forBen.url!)!.arrayBuffer()))).toBe(sha256(bytes));
    expect(forCat.state).toBe('corrupted');
    expect(forCat.message).toMatch(/cannot decrypt/);
    expect(forCat).toMatchObject({ sealed: true, bytes: 0 });
    expect(forCat.name).not.toContain('minutes');
    expect(forCat.url).toBeUndefined();
    // The host saw neither the name, nor the type, nor the size: only a padded wire size.
    const offer = signaled.find((packet) => packet.includes('offerFile'));
    expect(offer, 'the offer passed the host').toBeDefined();
    for (const packet of signaled) expect(packet).not.toMatch(/minutes|application\/pdf/);
    const padded = paddedSize(bytes.length);
    expect(padded).toBeGreaterThan(bytes.length);
    expect(offer).not.toContain(String(bytes.length));
    expect(offer).toContain(`"size":${padded + 28 * Math.ceil(padded / (64 * 1024))}`);
    await waitFor(() => ann.files.get(sent.id)?.state === 'done' && ann.files.get(sent.id), 'Ann to see it delivered');

    // What went through the host: every chunk sealed (28 bytes longer), none of the file's bytes.
    await waitFor(() => relayed.reduce((sum, m) => sum + m.length, 0) >= bytes.length, 'the relayed copy');
    const wire = Buffer.concat(relayed);
    expect(relayed.length).toBe(Math.ceil(padded / (64 * 1024)));
    expect(wire.length).toBe(padded + 28 * relayed.length);
    for (let at = 0; at < bytes.length; at += 256 * 1024 + 13) expect(wire.indexOf(bytes.subarray(at, at + 16))).toBe(-1);
    expect(relayedHashes).toHaveLength(1);
    expect(relayedHashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(relayedHashes[0]).not.toBe(sha256(bytes));
    expect(relayedHashes[0]).not.toBe(sha256(wire));
  }, 60_000);
});
