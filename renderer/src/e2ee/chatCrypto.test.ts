// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ChatCiphertext } from '../../../shared/e2ee';
import { limits } from '../../../shared/limits';
import { ChatDecryptError, openChatText, sealChatText } from './chatCrypto';
import { deriveChatKey, importMeetingKey } from './keys';

const chatKey = async (meetingKey: string) => deriveChatKey(await importMeetingKey(meetingKey));

describe('end-to-end encrypted chat text', () => {
  it('round-trips, and the ciphertext shows nothing of the text (fresh IV every time)', async () => {
    const key = await chatKey('Kq3v9TzX1bN0pQ7rS2uW4w');
    const text = 'the launch moves to Thursday 🚀';
    const a = await sealChatText(key, text, { from: 'ann' });
    const b = await sealChatText(key, text, { from: 'ann' });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('launch');
    expect(await openChatText(key, a, { from: 'ann' })).toBe(text);
  });

  it('fails with ChatDecryptError for another key, another sender or recipient, altered or junk bytes', async () => {
    const key = await chatKey('Kq3v9TzX1bN0pQ7rS2uW4w');
    const sealed = await sealChatText(key, 'for Ben only', { from: 'ann', to: 'ben' });
    expect(await openChatText(key, sealed, { from: 'ann', to: 'ben' })).toBe('for Ben only');
    await expect(openChatText(await chatKey('another key'), sealed, { from: 'ann', to: 'ben' })).rejects.toThrow(ChatDecryptError);
    await expect(openChatText(key, sealed, { from: 'cat', to: 'ben' })).rejects.toThrow(ChatDecryptError);
    await expect(openChatText(key, sealed, { from: 'ann' })).rejects.toThrow(ChatDecryptError);
    const flipped = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21);
    await expect(openChatText(key, flipped, { from: 'ann', to: 'ben' })).rejects.toThrow(ChatDecryptError);
    for (const junk of ['', 'AAAA', 'not base64!', 'hello world']) await expect(openChatText(key, junk, { from: 'ann' })).rejects.toThrow(ChatDecryptError);
  });

  it('the longest message (in 3-byte characters) still fits what the host accepts as ciphertext', async () => {
    const key = await chatKey('Kq3v9TzX1bN0pQ7rS2uW4w');
    const sealed = await sealChatText(key, '€'.repeat(limits.maxChatMessageLength), { from: 'ann' });
    expect(ChatCiphertext.safeParse(sealed).success).toBe(true);
    expect(ChatCiphertext.safeParse('x'.repeat(limits.maxChatCiphertextLength + 1)).success).toBe(false);
  });
});
