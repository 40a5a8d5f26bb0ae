/**
 * An end-to-end encrypted file's details: its name, size and MIME type, sealed by the sender with
 * the meeting's file-details key (AES-GCM, fresh random IV) and relayed by the host as an opaque
 * string. They are bound to the sender and the recipient (none: everyone), and carry a random
 * nonce the file's chunks are bound to, so the host can neither move details to another sender's
 * or another recipient's offer nor put one file's name on another file's bytes. What the host
 * still sees is in docs/SECURITY.md (E2EE threat model).
 */
import { FileName, MimeType } from '../../../shared/fileTransfer';
import type { ChatContext, FileMeta } from '../conference/MediaEncryption';
import { fromBase64Url, toBase64Url } from './chatCrypto';
import { FileDecryptError } from './fileCrypto';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const IV_BYTES = 12;
const TAG_BYTES = 16;

function additionalData({ from, to }: ChatContext): Uint8Array<ArrayBuffer> {
  return encoder.encode(`roundtable/e2ee/v1/file-meta\u0000${from}\u0000${to ?? ''}`);
}

/** 128 random bits, base64url. */
export function newFileNonce(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

export async function sealFileMeta(key: CryptoKey, meta: FileMeta, context: ChatContext): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plain = encoder.encode(JSON.stringify({ name: meta.name, size: meta.size, mimeType: meta.mimeType, nonce: meta.nonce }));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(context) }, key, plain));
  const out = new Uint8Array(IV_BYTES + sealed.length);
  out.set(iv);
  out.set(sealed, IV_BYTES);
  return toBase64Url(out);
}

/**
 * The details, or FileDecryptError: another meeting key, altered, moved to another sender or
 * recipient, or (from a participant who has the key) details no file may have.
 */
export async function openFileMeta(key: CryptoKey, sealed: string, context: ChatContext): Promise<FileMeta> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64Url(sealed);
  } catch {
    throw new FileDecryptError('cannot decrypt: the file’s details are not ciphertext');
  }
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new FileDecryptError('cannot decrypt: the file’s details are too short');
  let text: string;
  try {
    text = decoder.decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: additionalData(context) }, key, bytes.subarray(IV_BYTES)));
  } catch {
    throw new FileDecryptError('cannot decrypt: another meeting key, or altered on the way');
  }
  let value: Partial<Record<keyof FileMeta, unknown>>;
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    throw new FileDecryptError('the file’s details are not valid');
  }
  const name = FileName.safeParse(value.name);
  const mimeType = MimeType.safeParse(value.mimeType);
  const { size, nonce } = value;
  if (!name.success || !mimeType.success || !Number.isSafeInteger(size) || (size as number) < 0 || typeof nonce !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) {
    throw new FileDecryptError('the file’s details are not valid');
  }
  return { name: name.data, size: size as number, mimeType: mimeType.data, nonce };
}
