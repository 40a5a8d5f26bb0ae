/**
 * Chat text in an end-to-end encrypted meeting: AES-GCM under the chat key (keys.ts), a fresh
 * random 96-bit IV per message, sent as base64url(IV ‖ ciphertext ‖ tag). The sender's
 * participant id (and, for a private message, the recipient's) is authenticated with it, so the
 * host cannot pass one participant's message off as another's, or a private one as public.
 */
import type { ChatContext } from '../conference/MediaEncryption';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class ChatDecryptError extends Error {
  override readonly name = 'ChatDecryptError';
}

function additionalData({ from, to }: ChatContext): Uint8Array<ArrayBuffer> {
  return encoder.encode(`roundtable/e2ee/v1/chat\u0000${from}\u0000${to ?? ''}`);
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ChatDecryptError('not base64url');
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export async function sealChatText(chatKey: CryptoKey, text: string, context: ChatContext): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(context) }, chatKey, encoder.encode(text)));
  const out = new Uint8Array(IV_BYTES + sealed.length);
  out.set(iv);
  out.set(sealed, IV_BYTES);
  return toBase64Url(out);
}

/** The text, or ChatDecryptError (another key, altered bytes, another sender or recipient). */
export async function openChatText(chatKey: CryptoKey, ciphertext: string, context: ChatContext): Promise<string> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64Url(ciphertext);
  } catch {
    throw new ChatDecryptError('the message is not valid ciphertext');
  }
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new ChatDecryptError('the message is too short to be ciphertext');
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: additionalData(context) }, chatKey, bytes.subarray(IV_BYTES));
    return decoder.decode(plain);
  } catch {
    throw new ChatDecryptError('the message could not be decrypted with this meeting key');
  }
}
