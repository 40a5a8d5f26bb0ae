// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { pbkdf2Sync } from 'node:crypto';
import { deriveChatKey, deriveMeetingKey, deriveSenderKey, generateMeetingKey, importMeetingKey, isGeneratedMeetingKey, MeetingKeyError, normalizeMeetingKey, PASSPHRASE_ITERATIONS, verificationCode } from './keys';

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
    const code = await verificationCode(await importMeetingKey('meeting-key'));
    expect(code).toMatch(/^\d{3} \d{3}$/);
    expect(await verificationCode(await importMeetingKey(' meeting-key '))).toBe(code);
    expect(await verificationCode(await importMeetingKey('meeting-kez'))).not.toBe(code);
  });
});

describe('typed passphrases and generated keys', () => {
  const LINK_KEY = 'Kq3v9TzX1bN0pQ7rS2uW4w';
  const codeOf = async (key: string, room: string, iterations?: number) => verificationCode(await deriveMeetingKey(key, room, iterations));

  it('recognises every generated key, and nothing that does not encode exactly 16 bytes', () => {
    for (let i = 0; i < 200; i++) expect(isGeneratedMeetingKey(generateMeetingKey())).toBe(true);
    expect(isGeneratedMeetingKey(LINK_KEY)).toBe(true);
    // 22 characters whose last one carries bits past the 16th byte: not something generateMeetingKey writes.
    expect(isGeneratedMeetingKey('Kq3v9TzX1bN0pQ7rS2uW4y')).toBe(false);
    expect(isGeneratedMeetingKey(`${LINK_KEY}A`)).toBe(false);
    expect(isGeneratedMeetingKey('correct horse battery staple')).toBe(false);
    expect(isGeneratedMeetingKey('Kq3v9TzX1bN0pQ7rS2uW4+')).toBe(false);
  });

  it('a generated key typed or pasted (with spaces around it) gives the same code as the link, in any meeting id', async () => {
    const fromLink = await codeOf(LINK_KEY, 'standup');
    expect(await codeOf(`  ${LINK_KEY}\n`, 'standup')).toBe(fromLink);
    expect(await codeOf(LINK_KEY, '')).toBe(fromLink);
    // The fast path is the key text itself as HKDF input (as before this change): links keep their codes.
    expect(fromLink).toBe(await verificationCode(await importMeetingKey(LINK_KEY)));
  });

  it('stretches a passphrase with PBKDF2-SHA-256 (600,000 rounds, salt = app label + meeting id), then HKDF', async () => {
    const passphrase = 'correct horse battery staple';
    const started = performance.now();
    const code = await codeOf(passphrase, 'standup');
    const elapsed = performance.now() - started;
    // The reference: the same PBKDF2 computed by Node's own implementation (OpenSSL).
    const bits = pbkdf2Sync(passphrase, 'roundtable/e2ee/v1/passphrase\u0000standup', 600_000, 32, 'sha256');
    const reference = await crypto.subtle.importKey('raw', bits, 'HKDF', false, ['deriveBits', 'deriveKey']);
    expect(code).toBe(await verificationCode(reference));
    expect(PASSPHRASE_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    console.log(`PBKDF2-SHA-256 ×${PASSPHRASE_ITERATIONS} in Node: ${elapsed.toFixed(0)} ms`);
    // Not the passphrase used as is, and not a different meeting's key.
    expect(code).not.toBe(await verificationCode(await importMeetingKey(passphrase)));
    expect(await codeOf(passphrase, 'standup', 1_000)).not.toBe(code);
  }, 60_000);

  it('salts with the meeting id: the same passphrase gives another key in another meeting', async () => {
    expect(await codeOf('hunter2 hunter2', 'standup', 1_000)).not.toBe(await codeOf('hunter2 hunter2', 'retro', 1_000));
    expect(await codeOf('hunter2 hunter2', 'standup', 1_000)).toBe(await codeOf(' hunter2 hunter2 ', 'standup', 1_000));
  });

  it('treats canonically equivalent Unicode alike (é typed as one or two code points)', async () => {
    expect(await codeOf('caf\u00e9 au lait', 'standup', 1_000)).toBe(await codeOf('cafe\u0301 au lait', 'standup', 1_000));
  });

  it('refuses a passphrase without a meeting id to salt it (typed error)', async () => {
    await expect(deriveMeetingKey('some passphrase', '', 1_000)).rejects.toThrow(MeetingKeyError);
  });

  it('derives a chat key unrelated to the sender keys', async () => {
    const base = await importMeetingKey(LINK_KEY);
    const chat = await deriveChatKey(base);
    expect(chat.extractable).toBe(false);
    expect(await encrypt(chat)).not.toEqual(await encrypt(await deriveSenderKey(base, '', 0)));
  });
});
