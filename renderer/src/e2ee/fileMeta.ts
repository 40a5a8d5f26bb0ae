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
import { FileDecryptError } from './fileCrypto';
import { type OpenFailure, SealedTextError, openText, sealText, toBase64Url } from './sealedText';

const messages: Record<OpenFailure, string> = {
  'not-ciphertext': 'cannot decrypt: the file’s details are not ciphertext',
  'too-short': 'cannot decrypt: the file’s details are too short',
  'not-decrypted': 'cannot decrypt: another meeting key, or altered on the way',
};

/** 128 random bits, base64url. */
export function newFileNonce(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

export function sealFileMeta(key: CryptoKey, meta: FileMeta, context: ChatContext): Promise<string> {
  return sealText(key, 'file-meta', JSON.stringify({ name: meta.name, size: meta.size, mimeType: meta.mimeType, nonce: meta.nonce }), context);
}

/**
 * The details, or FileDecryptError: another meeting key, altered, moved to another sender or
 * recipient, or (from a participant who has the key) details no file may have.
 */
export async function openFileMeta(key: CryptoKey, sealed: string, context: ChatContext): Promise<FileMeta> {
  let text: string;
  try {
    text = await openText(key, 'file-meta', sealed, context);
  } catch (error) {
    if (error instanceof SealedTextError) throw new FileDecryptError(messages[error.reason]);
    throw error;
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
