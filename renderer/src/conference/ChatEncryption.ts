import type { ChatMessage } from '../../../shared/protocol';
import { limits } from '../../../shared/limits';
import { ConferenceError } from './errors';
import type { ChatContext, MediaEncryption } from './MediaEncryption';

/** What a receiver sees in place of a message it cannot decrypt (another key, or none). */
export const UNDECRYPTABLE_TEXT = 'Message could not be decrypted';
/** The `text` an encrypted message carries beside its ciphertext (all the host stores of it). */
export const ENCRYPTED_PLACEHOLDER = 'Encrypted message';

/** A chat message as the SDK hands it out: `e2ee` says whether it came encrypted and opened. */
export type ChatEntryCrypto = { e2ee?: 'decrypted' | 'undecryptable' };
export type ReceivedChatMessage = Omit<ChatMessage, 'ciphertext'> & ChatEntryCrypto;

type Sealable = { text: string; ciphertext?: string; peerId: string; toPeerId?: string };

/** The request fields for `text`: sealed with the meeting's chat key in an encrypted meeting. */
export async function sealChat(encryption: MediaEncryption | undefined, text: string, context: ChatContext): Promise<{ text: string; ciphertext?: string }> {
  if (!encryption) return { text };
  if (text.trim().length === 0 || text.length > limits.maxChatMessageLength) throw new ConferenceError('bad_request', `a chat message has 1 to ${limits.maxChatMessageLength} characters`);
  return { text: ENCRYPTED_PLACEHOLDER, ciphertext: await encryption.sealChat(text.trim(), context) };
}

/** A received (or replayed) message with its text opened; never rejects. */
export async function openChat<M extends Sealable>(encryption: MediaEncryption | undefined, message: M): Promise<Omit<M, 'ciphertext'> & ChatEntryCrypto> {
  const { ciphertext, ...rest } = message;
  if (ciphertext === undefined) return rest;
  try {
    if (!encryption) throw new Error('no meeting key');
    return { ...rest, text: await encryption.openChat(ciphertext, { from: message.peerId, to: message.toPeerId }), e2ee: 'decrypted' };
  } catch {
    return { ...rest, text: UNDECRYPTABLE_TEXT, e2ee: 'undecryptable' };
  }
}

/** Our own message as sent: the text we typed, not the placeholder the host echoes. */
export function asSent<M extends Sealable>(message: M, text: string): Omit<M, 'ciphertext'> & ChatEntryCrypto {
  const { ciphertext, ...rest } = message;
  return ciphertext === undefined ? rest : { ...rest, text: text.trim(), e2ee: 'decrypted' };
}

/** Opens messages one at a time, so they are delivered in the order they arrived. */
export class InOrder {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>, deliver: (value: T) => void): void {
    this.#tail = this.#tail
      .then(task)
      .then(deliver)
      .catch(() => undefined);
  }
}
