/**
 * Chat text in an end-to-end encrypted meeting, sealed under the chat key (keys.ts; sealedText.ts).
 * The sender's participant id (and, for a private message, the recipient's) is authenticated with
 * it, so the host cannot pass one participant's message off as another's, or a private one as public.
 */
import type { ChatContext } from '../conference/MediaEncryption';
import { type OpenFailure, SealedTextError, openText, sealText } from './sealedText';

export class ChatDecryptError extends Error {
  override readonly name = 'ChatDecryptError';
}

const messages: Record<OpenFailure, string> = {
  'not-ciphertext': 'the message is not valid ciphertext',
  'too-short': 'the message is too short to be ciphertext',
  'not-decrypted': 'the message could not be decrypted with this meeting key',
};

export function sealChatText(chatKey: CryptoKey, text: string, context: ChatContext): Promise<string> {
  return sealText(chatKey, 'chat', text, context);
}

/** The text, or ChatDecryptError (another key, altered bytes, another sender or recipient). */
export async function openChatText(chatKey: CryptoKey, ciphertext: string, context: ChatContext): Promise<string> {
  try {
    return await openText(chatKey, 'chat', ciphertext, context);
  } catch (error) {
    if (error instanceof SealedTextError) throw new ChatDecryptError(messages[error.reason]);
    throw error;
  }
}
