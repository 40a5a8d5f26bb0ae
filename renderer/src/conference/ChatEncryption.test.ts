// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { E2eeSession } from '../e2ee';
import { asSent, ENCRYPTED_PLACEHOLDER, InOrder, openChat, sealChat, UNDECRYPTABLE_TEXT } from './ChatEncryption';
import { assertCanEncrypt } from './JoinHandshake';
import { ConferenceError } from './errors';

const session = (key: string) => new E2eeSession(key, 'room-1', { api: 'encoded-streams', createWorker: () => ({ postMessage() {}, terminate() {} }) as unknown as Worker, passphraseIterations: 1_000 });
const message = (fields: { text: string; ciphertext?: string; peerId?: string }) => ({ id: 'm1', peerId: 'ann', displayName: 'Ann', sentAt: 1, ...fields });

describe('chat in an end-to-end encrypted meeting (SDK side)', () => {
  it('sends a placeholder and the ciphertext; the host echo is shown as the text typed', async () => {
    const ann = session('Kq3v9TzX1bN0pQ7rS2uW4w');
    const sealed = await sealChat(ann, ' hello ', { from: 'ann' });
    expect(sealed.text).toBe(ENCRYPTED_PLACEHOLDER);
    expect(sealed.ciphertext).toBeDefined();
    expect(asSent(message(sealed), ' hello ')).toMatchObject({ text: 'hello', e2ee: 'decrypted' });
    expect(asSent(message(sealed), 'hello')).not.toHaveProperty('ciphertext');
  });

  it('opens with the right key; the wrong key or no key shows "Message could not be decrypted"', async () => {
    const sealed = await sealChat(session('Kq3v9TzX1bN0pQ7rS2uW4w'), 'hello', { from: 'ann' });
    expect(await openChat(session('Kq3v9TzX1bN0pQ7rS2uW4w'), message(sealed))).toMatchObject({ text: 'hello', e2ee: 'decrypted' });
    expect(await openChat(session('wrong key'), message(sealed))).toMatchObject({ text: UNDECRYPTABLE_TEXT, e2ee: 'undecryptable' });
    expect(await openChat(undefined, message(sealed))).toMatchObject({ text: UNDECRYPTABLE_TEXT, e2ee: 'undecryptable' });
    // Passed as another participant's message: refused, not shown under the wrong name.
    expect(await openChat(session('Kq3v9TzX1bN0pQ7rS2uW4w'), message({ ...sealed, peerId: 'cat' }))).toMatchObject({ text: UNDECRYPTABLE_TEXT });
  });

  it('leaves plain chat as it is (meetings without E2EE)', async () => {
    expect(await sealChat(undefined, 'plain', { from: 'ann' })).toEqual({ text: 'plain' });
    expect(await openChat(session('Kq3v9TzX1bN0pQ7rS2uW4w'), message({ text: 'plain' }))).toEqual(message({ text: 'plain' }));
  });

  it('refuses an empty or overlong message before encrypting it', async () => {
    await expect(sealChat(session('Kq3v9TzX1bN0pQ7rS2uW4w'), '   ', { from: 'ann' })).rejects.toThrow(ConferenceError);
    await expect(sealChat(session('Kq3v9TzX1bN0pQ7rS2uW4w'), 'x'.repeat(2_001), { from: 'ann' })).rejects.toThrow(ConferenceError);
  });

  it('delivers messages in arrival order however long each takes to open', async () => {
    const order = new InOrder();
    const delivered: number[] = [];
    const delays = [30, 0, 10, 0];
    await new Promise<void>((done) => {
      delays.forEach((delay, i) =>
        order.run(
          () => new Promise<number>((resolve, reject) => setTimeout(() => (i === 2 ? reject(new Error('x')) : resolve(i)), delay)),
          (value) => {
            delivered.push(value);
            if (value === 3) done();
          },
        ),
      );
    });
    expect(delivered).toEqual([0, 1, 3]);
  });

  it('a join answer marked end-to-end encrypted fails without a key (typed reason), passes with one', () => {
    expect(() => assertCanEncrypt({ e2ee: true }, undefined)).toThrow(expect.objectContaining({ code: 'e2ee_key_required' }));
    expect(() => assertCanEncrypt({ e2ee: true }, session('Kq3v9TzX1bN0pQ7rS2uW4w'))).not.toThrow();
    expect(() => assertCanEncrypt({}, undefined)).not.toThrow();
  });
});
