// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { limits } from '../../../shared/limits';
import { fileBytesOf, fileSizeOf, wireSize } from '../conference/fileTransfer/wireSize';
import { SEALED_CHUNK_OVERHEAD } from '../conference/MediaEncryption';
import { deriveFileKeys, fileCipher, FileDecryptError } from './fileCrypto';
import { importMeetingKey } from './keys';

const keysFor = async (meetingKey: string) => deriveFileKeys(await importMeetingKey(meetingKey));
const context = { transferId: 't1', from: 'ann', size: 100_000 };

describe('file chunk encryption', () => {
  it('opens what it sealed, with a fresh IV each time; the chunk is 28 bytes longer', async () => {
    const cipher = fileCipher(await keysFor('Kq3v9TzX1bN0pQ7rS2uW4w'), context);
    const chunk = crypto.getRandomValues(new Uint8Array(1000)).buffer;
    const a = await cipher.seal(chunk, 0);
    const b = await cipher.seal(chunk, 0);
    expect(a.byteLength).toBe(1000 + SEALED_CHUNK_OVERHEAD);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(await cipher.open(a, 0)).equals(Buffer.from(chunk))).toBe(true);
  });

  it('refuses another meeting key, another place in the file, transfer, sender, recipient or size, and altered bytes', async () => {
    const keys = await keysFor('Kq3v9TzX1bN0pQ7rS2uW4w');
    const sealed = await fileCipher(keys, context).seal(new Uint8Array([1, 2, 3]).buffer, 4);
    const otherKeys = await keysFor('another key');
    const refusals = [
      () => fileCipher(otherKeys, context).open(sealed, 4),
      () => fileCipher(keys, context).open(sealed, 5),
      () => fileCipher(keys, { ...context, transferId: 't2' }).open(sealed, 4),
      () => fileCipher(keys, { ...context, from: 'cat' }).open(sealed, 4),
      () => fileCipher(keys, { ...context, to: 'ben' }).open(sealed, 4),
      () => fileCipher(keys, { ...context, size: 99_999 }).open(sealed, 4),
      () => fileCipher(keys, context).open(new Uint8Array(sealed).map((byte, i) => (i === 20 ? byte ^ 1 : byte)).buffer, 4),
      () => fileCipher(keys, context).open(new ArrayBuffer(10), 4),
    ];
    for (const refusal of refusals) await expect(refusal()).rejects.toThrow(FileDecryptError);
  });

  it('keys the relayed hash: 64 hex digits, not the SHA-256, the same on both sides, bound to the transfer', async () => {
    const keys = await keysFor('Kq3v9TzX1bN0pQ7rS2uW4w');
    const sha = 'ab'.repeat(32);
    const keyed = await fileCipher(keys, context).digest(sha);
    expect(keyed).toMatch(/^[0-9a-f]{64}$/);
    expect(keyed).not.toBe(sha);
    expect(await fileCipher(await keysFor('Kq3v9TzX1bN0pQ7rS2uW4w'), context).digest(sha)).toBe(keyed);
    expect(await fileCipher(keys, { ...context, transferId: 't2' }).digest(sha)).not.toBe(keyed);
  });

  it('wire sizes: each chunk grows by the overhead, and the file size is recovered from the wire size (none for an impossible one)', () => {
    const chunk = limits.fileChunkBytes;
    for (const size of [0, 1, chunk - 1, chunk, chunk + 1, 5 * chunk + 777, 2 * 1024 ** 3]) {
      const wire = wireSize(size, SEALED_CHUNK_OVERHEAD);
      expect(wire).toBe(size + SEALED_CHUNK_OVERHEAD * Math.ceil(size / chunk));
      expect(fileSizeOf(wire, SEALED_CHUNK_OVERHEAD)).toBe(size);
      expect(fileBytesOf(wire, SEALED_CHUNK_OVERHEAD)).toBe(size);
    }
    expect(fileSizeOf(5, SEALED_CHUNK_OVERHEAD)).toBeUndefined();
    expect(fileSizeOf(chunk + SEALED_CHUNK_OVERHEAD + 3, SEALED_CHUNK_OVERHEAD)).toBeUndefined();
    expect(fileSizeOf(12345, 0)).toBe(12345);
  });
});
