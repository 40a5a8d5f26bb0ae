import { describe, expect, it } from 'vitest';
import type { Conference } from '../../renderer/src/conference';
import { ENCRYPTED_PLACEHOLDER, UNDECRYPTABLE_TEXT } from '../../renderer/src/conference/ChatEncryption';
import { E2eeSession } from '../../renderer/src/e2ee';
import { useTestHost } from '../support/meetingFixture';
import { rawClient } from '../support/rawClient';
import { waitFor } from '../support/testHost';

/**
 * End-to-end encrypted meetings against a real host: the room's "E2EE on" flag (set only by the
 * owner, never the key) keeps clients without the key out before they send anything, and chat
 * reaches the host only as ciphertext. Node's WebRTC has no encoded transforms, so these clients
 * carry no media frames through the worker (the Chromium spec e2e/e2ee.spec.ts does).
 */
describe('end-to-end encrypted meetings (SDK against a real host)', () => {
  const fixture = useTestHost();
  const { newRoom } = fixture;
  const KEY = 'Kq3v9TzX1bN0pQ7rS2uW4w';

  /** A Conference that encrypts with `key` (the frame worker is a no-op here: chat and the flag are what is tested). */
  function encrypted(key: string, roomId: string): Conference {
    const conference = fixture.client();
    const session = new E2eeSession(key, roomId, { api: 'encoded-streams', createWorker: () => ({ postMessage() {}, terminate() {}, onmessage: null, onerror: null }) as unknown as Worker, passphraseIterations: 1_000 });
    fixture.defer(session.attach(conference));
    return conference;
  }
  const room = (roomId: string) => fixture.host.rooms.get(roomId);
  const joinOwner = async (roomId: string, key = KEY) => {
    const owner = encrypted(key, roomId);
    await owner.join({ roomId, displayName: 'Owner', ownerKey: fixture.host.ownerKey });
    return owner;
  };

  it('marks the meeting when its owner joins encrypted; a client without the key is refused (e2ee_key_required) before it sends anything', async () => {
    const roomId = newRoom('e2ee');
    await joinOwner(roomId);
    expect(room(roomId)?.meetingState.admission.e2ee.on).toBe(true);

    const guest = fixture.client();
    // The camera is handed over before joining, as the app does: it must never reach the host.
    const camera = fixture.media().video;
    const producing = guest.produceTrack(camera, 'camera').catch((error: unknown) => error);
    const refused = await guest.join({ roomId, displayName: 'No key' }).then(() => undefined, (error: unknown) => error);
    expect(refused).toMatchObject({ code: 'e2ee_key_required' });
    expect(guest.state).toBe('disconnected');
    await producing;
    const peers = [...room(roomId)!.peers.values()];
    expect(peers.map((p) => p.displayName)).toEqual(['Owner']);
    expect(peers.flatMap((p) => [...p.producers.values()])).toEqual([]);

    // With the key it joins as before, and learns the meeting is encrypted.
    const keyed = encrypted(KEY, roomId);
    await keyed.join({ roomId, displayName: 'Keyed' });
    expect(room(roomId)!.peers.size).toBe(2);
  });

  it('refuses a client that does not know the flag (no `e2ee` in its join), with the typed error code', async () => {
    const roomId = newRoom('e2ee');
    await joinOwner(roomId);
    const raw = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => raw.close());
    const caps = (await raw.welcome).routerRtpCapabilities;
    const join = await raw.request('join', { roomId, displayName: 'Old client', rtpCapabilities: caps });
    expect(join).toMatchObject({ ok: false, error: { code: 'e2ee_key_required' } });
    // A join that only claims to encrypt is let in (the host cannot check a key it never sees) and told the meeting is encrypted.
    const claimed = await raw.request('join', { roomId, displayName: 'Claims', rtpCapabilities: caps, e2ee: true });
    expect(claimed).toMatchObject({ ok: true, data: { e2ee: true } });
  });

  it('only the owner can mark a meeting: a guest with a key does not, and keyless guests still join', async () => {
    const roomId = newRoom('plain');
    const keyed = encrypted(KEY, roomId);
    await keyed.join({ roomId, displayName: 'Guest with key' });
    expect(room(roomId)!.meetingState.admission.e2ee.on).toBe(false);
    const plain = fixture.client();
    await plain.join({ roomId, displayName: 'Plain' });
    expect(room(roomId)!.peers.size).toBe(2);
  });

  it('the owner marking a meeting removes keyless participants already in it; an owner join without the key is refused too', async () => {
    const roomId = newRoom('late-owner');
    const early = fixture.client();
    await early.join({ roomId, displayName: 'Early, no key' });
    const ended = new Promise<{ code?: string; message?: string }>((resolve) =>
      early.on('connectionStateChanged', ({ state, error }) => state === 'disconnected' && resolve({ code: error?.code, message: error?.message })),
    );
    const owner = await joinOwner(roomId);
    expect(await ended).toMatchObject({ code: 'kicked' });
    expect([...room(roomId)!.peers.values()].map((p) => p.displayName)).toEqual(['Owner']);
    await owner.leave();
    const keylessOwner = fixture.client();
    await expect(keylessOwner.join({ roomId, displayName: 'Owner again', ownerKey: fixture.host.ownerKey })).rejects.toMatchObject({ code: 'e2ee_key_required' });
  });

  it('chat is ciphertext on the host, readable with the key, "could not be decrypted" with another; history replays', async () => {
    const roomId = newRoom('chat');
    const ann = await joinOwner(roomId);
    const ben = encrypted(KEY, roomId);
    await ben.join({ roomId, displayName: 'Ben' });
    const cat = encrypted('not the meeting key', roomId);
    await cat.join({ roomId, displayName: 'Cat' });

    const benGot = new Promise<{ text: string; e2ee?: string }>((resolve) => ben.once('chatMessage', resolve));
    const catGot = new Promise<{ text: string; e2ee?: string }>((resolve) => cat.once('chatMessage', resolve));
    const secret = 'the launch moves to Thursday';
    const sent = await ann.sendChat(secret);
    expect(sent.text).toBe(secret);
    expect(await benGot).toMatchObject({ text: secret, e2ee: 'decrypted' });
    expect(await catGot).toMatchObject({ text: UNDECRYPTABLE_TEXT, e2ee: 'undecryptable' });

    const stored = room(roomId)!.chat;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ text: ENCRYPTED_PLACEHOLDER, ciphertext: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/) });
    expect(JSON.stringify(stored)).not.toContain('Thursday');

    // A private message: ciphertext through the host too, bound to its recipient.
    const benPrivate = new Promise<{ text: string }>((resolve) => ben.privateMessages.once('message', resolve));
    await ann.privateMessages.send(ben.peerId!, 'just for you, Ben');
    expect(await benPrivate).toMatchObject({ text: 'just for you, Ben', e2ee: 'decrypted' });
    expect(ann.privateMessages.list.at(-1)).toMatchObject({ text: 'just for you, Ben', local: true });

    // A late joiner with the key gets the history (ciphertext from the host) decrypted; one without the key sees the failure.
    const late = encrypted(` ${KEY} `, roomId);
    await late.join({ roomId, displayName: 'Late' });
    expect(late.chatHistory.map((m) => m.text)).toEqual([secret]);
    const lateWrong = encrypted('also wrong', roomId);
    await lateWrong.join({ roomId, displayName: 'Late wrong' });
    expect(lateWrong.chatHistory.map((m) => m.text)).toEqual([UNDECRYPTABLE_TEXT]);
    await waitFor(() => room(roomId)!.peers.size === 5, 'five participants');
  });
});
