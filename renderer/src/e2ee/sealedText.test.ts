// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { deriveChatKey, importMeetingKey } from './keys';
import { SealedTextError, openText, sealText } from './sealedText';

const key = async () => deriveChatKey(await importMeetingKey('Kq3v9TzX1bN0pQ7rS2uW4w'));

describe('sealed text', () => {
  it('is bound to its purpose: a chat message cannot be opened as a file’s details', async () => {
    const k = await key();
    const sealed = await sealText(k, 'chat', '{"name":"a.txt"}', { from: 'ann' });
    expect(await openText(k, 'chat', sealed, { from: 'ann' })).toBe('{"name":"a.txt"}');
    await expect(openText(k, 'file-meta', sealed, { from: 'ann' })).rejects.toMatchObject({ reason: 'not-decrypted' });
  });

  it('reports why it could not be opened: not base64url (bad characters or length), too short', async () => {
    const k = await key();
    for (const junk of ['not base64!', 'A'.repeat(41)]) await expect(openText(k, 'chat', junk, { from: 'ann' })).rejects.toEqual(new SealedTextError('not-ciphertext'));
    await expect(openText(k, 'chat', 'AAAA', { from: 'ann' })).rejects.toMatchObject({ reason: 'too-short' });
  });
});
