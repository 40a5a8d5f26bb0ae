/**
 * Files in an end-to-end encrypted meeting: every chunk is sealed with AES-GCM under the file key
 * (HKDF from the meeting key, its own salt), a fresh random 96-bit IV per chunk, sent as
 * IV ‖ ciphertext ‖ tag. The transfer id, its sender, its recipient (none: everyone), the file's
 * size and the chunk's index are authenticated with each chunk, so the host can neither reorder,
 * drop, swap nor truncate chunks, nor pass a file off as another's. The host relays ciphertext only;
 * the SHA-256 it relays is keyed (HMAC under a second derived key), so it cannot be compared with
 * the hash of a known file.
 */
import { SEALED_CHUNK_OVERHEAD, type FileCipher, type FileContext } from '../conference/MediaEncryption';

const encoder = new TextEncoder();
const FILE_SALT = encoder.encode('roundtable/e2ee/v1/file-key');
const IV_BYTES = 12;
const TAG_BYTES = 16;
if (IV_BYTES + TAG_BYTES !== SEALED_CHUNK_OVERHEAD) throw new Error('the sealed chunk format and its overhead disagree');

export class FileDecryptError extends Error {
  override readonly name = 'FileDecryptError';
}

export interface FileKeys {
  chunks: CryptoKey;
  digest: CryptoKey;
  /** AES-GCM-128 for the file's name, size and type (./fileMeta). */
  meta: CryptoKey;
}

/** The file keys of a meeting key: AES-GCM-128 for chunks and for the file's details, HMAC-SHA-256 for its hash. */
export async function deriveFileKeys(meetingKey: CryptoKey): Promise<FileKeys> {
  const hkdf = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: FILE_SALT, info: encoder.encode(info) });
  const [chunks, digest, meta] = await Promise.all([
    crypto.subtle.deriveKey(hkdf('chunks'), meetingKey, { name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']),
    crypto.subtle.deriveKey(hkdf('digest'), meetingKey, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign']),
    crypto.subtle.deriveKey(hkdf('meta'), meetingKey, { name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']),
  ]);
  return { chunks, digest, meta };
}

/** The nonce (from the sealed details) ties the chunks to the details they were announced with. */
function bound({ transferId, from, to, size, nonce }: FileContext): string {
  return `roundtable/e2ee/v1/file\u0000${transferId}\u0000${from}\u0000${to ?? ''}\u0000${size}\u0000${nonce ?? ''}`;
}

/** Seals and opens the chunks of one transfer. */
export function fileCipher(keys: FileKeys, context: FileContext): FileCipher {
  const prefix = bound(context);
  const additionalData = (index: number) => encoder.encode(`${prefix}\u0000${index}`);
  return {
    async seal(chunk, index) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(index) }, keys.chunks, chunk));
      const out = new Uint8Array(IV_BYTES + sealed.byteLength);
      out.set(iv);
      out.set(sealed, IV_BYTES);
      return out.buffer;
    },
    async open(wire, index) {
      if (wire.byteLength < SEALED_CHUNK_OVERHEAD) throw new FileDecryptError('too short to be a sealed chunk');
      try {
        return await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(wire, 0, IV_BYTES), additionalData: additionalData(index) }, keys.chunks, new Uint8Array(wire, IV_BYTES));
      } catch {
        throw new FileDecryptError('cannot decrypt: another meeting key, or altered on the way');
      }
    },
    async digest(sha256Hex) {
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', keys.digest, encoder.encode(`${prefix}\u0000${sha256Hex}`)));
      return [...mac].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    },
  };
}
