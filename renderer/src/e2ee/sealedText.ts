/**
 * Text sealed with AES-GCM for the host to relay: a fresh random 96-bit IV per message, sent as
 * base64url(IV ‖ ciphertext ‖ tag), with additional data naming what the text is and who sent it
 * to whom (`roundtable/e2ee/v1/<purpose>\0<from>\0<to>`), so the host can neither move it to
 * another sender or recipient nor pass one kind of sealed text off as another.
 */
import type { ChatContext } from '../conference/MediaEncryption';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type SealedTextPurpose = 'chat' | 'file-meta';

/** Why a sealed text could not be opened; each caller turns it into its own error. */
export type OpenFailure = 'not-ciphertext' | 'too-short' | 'not-decrypted';

export class SealedTextError extends Error {
  override readonly name = 'SealedTextError';
  constructor(readonly reason: OpenFailure) {
    super(reason);
  }
}

function additionalData(purpose: SealedTextPurpose, { from, to }: ChatContext): Uint8Array<ArrayBuffer> {
  return encoder.encode(`roundtable/e2ee/v1/${purpose}\u0000${from}\u0000${to ?? ''}`);
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The bytes, or SealedTextError('not-ciphertext'). */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new SealedTextError('not-ciphertext');
  try {
    const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    throw new SealedTextError('not-ciphertext');
  }
}

export async function sealText(key: CryptoKey, purpose: SealedTextPurpose, text: string, context: ChatContext): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(purpose, context) }, key, encoder.encode(text)));
  const out = new Uint8Array(IV_BYTES + sealed.length);
  out.set(iv);
  out.set(sealed, IV_BYTES);
  return toBase64Url(out);
}

/** The text, or SealedTextError: not base64url, too short, or another key / purpose / sender / recipient / altered bytes. */
export async function openText(key: CryptoKey, purpose: SealedTextPurpose, sealed: string, context: ChatContext): Promise<string> {
  const bytes = fromBase64Url(sealed);
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new SealedTextError('too-short');
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: additionalData(purpose, context) }, key, bytes.subarray(IV_BYTES));
    return decoder.decode(plain);
  } catch {
    throw new SealedTextError('not-decrypted');
  }
}
