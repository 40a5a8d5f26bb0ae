// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { paddedSize } from '../conference/fileTransfer/wireSize';
import { deriveFileKeys, fileCipher, FileDecryptError } from './fileCrypto';
import { newFileNonce, openFileMeta, sealFileMeta } from './fileMeta';
import { importMeetingKey } from './keys';

const keysFor = async (meetingKey: string) => deriveFileKeys(await importMeetingKey(meetingKey));
const KEY = 'Kq3v9TzX1bN0pQ7rS2uW4w';
const meta = { name: 'Quarterly plan.pdf', size: 5_243_657, mimeType: 'application/pdf', nonce: newFileNonce() };

describe('an encrypted file’s details', () => {
  it('open to what was sealed; the sealed form shows neither the name, the type nor the size', async () => {
    const { meta: key } = await keysFor(KEY);
    const sealed = await sealFileMeta(key, meta, { from: 'ann' });
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sealed).not.toMatch(/Quarterly|pdf|5243657/);
    expect(await openFileMeta(key, sealed, { from: 'ann' })).toEqual(meta);
  });

  it('refuse another meeting key, another sender or recipient, altered bytes, and details no file may have', async () => {
    const { meta: key } = await keysFor(KEY);
    const sealed = await sealFileMeta(key, meta, { from: 'ann', to: 'ben' });
    const flipped = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21);
    const refusals = [
      async () => openFileMeta((await keysFor('another key')).meta, sealed, { from: 'ann', to: 'ben' }),
      () => openFileMeta(key, sealed, { from: 'cat', to: 'ben' }),
      () => openFileMeta(key, sealed, { from: 'ann' }),
      () => openFileMeta(key, flipped, { from: 'ann', to: 'ben' }),
      () => openFileMeta(key, 'not*base64', { from: 'ann', to: 'ben' }),
      () => openFileMeta(key, 'AAAA', { from: 'ann', to: 'ben' }),
      // A participant with the key cannot make others show a path, a control character or a negative size.
      async () => openFileMeta(key, await sealFileMeta(key, { ...meta, name: '../../.bashrc' }, { from: 'ann' }), { from: 'ann' }),
      async () => openFileMeta(key, await sealFileMeta(key, { ...meta, name: 'a\u202Efdp.exe' }, { from: 'ann' }), { from: 'ann' }),
      async () => openFileMeta(key, await sealFileMeta(key, { ...meta, size: -1 }, { from: 'ann' }), { from: 'ann' }),
      async () => openFileMeta(key, await sealFileMeta(key, { ...meta, nonce: '' }, { from: 'ann' }), { from: 'ann' }),
    ];
    for (const refusal of refusals) await expect(refusal()).rejects.toThrow(FileDecryptError);
  });

  it('bind the chunks: a chunk sealed under one file’s nonce does not open under another’s', async () => {
    const keys = await keysFor(KEY);
    const context = { transferId: 't1', from: 'ann', size: 3, nonce: meta.nonce };
    const sealed = await fileCipher(keys, context).seal(new Uint8Array([1, 2, 3]).buffer, 0);
    expect(new Uint8Array(await fileCipher(keys, context).open(sealed, 0))).toEqual(new Uint8Array([1, 2, 3]));
    await expect(fileCipher(keys, { ...context, nonce: newFileNonce() }).open(sealed, 0)).rejects.toThrow(FileDecryptError);
  });

  it('padded sizes: never smaller, a few size classes per power of two, at most 12 % more (3 % from 64 KiB on)', () => {
    for (const size of [0, 1, 2, 3, 100, 1000, 65_535, 65_536, 300 * 1024 + 5, 5_243_657, 20 * 1024 ** 2, 2 * 1024 ** 3 - 1]) {
      const padded = paddedSize(size);
      expect(padded).toBeGreaterThanOrEqual(size);
      expect(padded - size).toBeLessThanOrEqual(Math.max(1, size * (size >= 65_536 ? 0.032 : 0.12)));
      expect(paddedSize(padded)).toBe(padded);
    }
    // Sizes within one class look the same to the host.
    expect(paddedSize(5_243_657)).toBe(paddedSize(5_300_000));
  });
});
