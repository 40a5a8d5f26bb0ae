// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { deriveSenderKey, generateMeetingKey, importMeetingKey, MeetingKeyError, normalizeMeetingKey, verificationCode } from './keys';

const encrypt = async (key: CryptoKey) => new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, new Uint8Array(16)));

describe('meeting keys', () => {
  it('generates 128-bit keys that fit a URL fragment unescaped', () => {
    const keys = new Set(Array.from({ length: 50 }, generateMeetingKey));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(encodeURIComponent(key)).toBe(key);
    }
  });

  it('refuses empty and overlong keys with a typed error', () => {
    expect(() => normalizeMeetingKey('   ')).toThrow(MeetingKeyError);
    expect(() => normalizeMeetingKey('x'.repeat(257))).toThrow(MeetingKeyError);
    expect(normalizeMeetingKey('  abc ')).toBe('abc');
  });

  it('derives the same sender key from the same meeting key, sender and epoch on every client', async () => {
    const a = await deriveSenderKey(await importMeetingKey('meeting-key'), 'peer-1', 0);
    const b = await deriveSenderKey(await importMeetingKey('meeting-key'), 'peer-1', 0);
    expect(await encrypt(a)).toEqual(await encrypt(b));
  });

  it('gives every sender, epoch and meeting key its own AES key', async () => {
    const base = await importMeetingKey('meeting-key');
    const reference = await encrypt(await deriveSenderKey(base, 'peer-1', 0));
    expect(await encrypt(await deriveSenderKey(base, 'peer-2', 0))).not.toEqual(reference);
    expect(await encrypt(await deriveSenderKey(base, 'peer-1', 1))).not.toEqual(reference);
    expect(await encrypt(await deriveSenderKey(await importMeetingKey('other-key'), 'peer-1', 0))).not.toEqual(reference);
    // "peer-1" + epoch 10 must not collide with "peer-11" + epoch 0 (the id and epoch are separated).
    expect(await encrypt(await deriveSenderKey(base, 'peer-11', 0))).not.toEqual(await encrypt(await deriveSenderKey(base, 'peer-1', 10)));
  });

  it('keeps derived keys inside WebCrypto', async () => {
    const key = await deriveSenderKey(await importMeetingKey('meeting-key'), 'peer-1', 0);
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    expect(() => deriveSenderKey(key, 'peer-1', 256)).toThrow(RangeError);
  });

  it('shows the same 6-digit verification code for the same key, another for another key', async () => {
    const code = await verificationCode('meeting-key');
    expect(code).toMatch(/^\d{3} \d{3}$/);
    expect(await verificationCode(' meeting-key ')).toBe(code);
    expect(await verificationCode('meeting-kez')).not.toBe(code);
  });
});
