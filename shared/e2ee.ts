/** End-to-end encryption on the wire (see docs/SECURITY.md): what the host relays but cannot read. */
import { z } from 'zod';
import { limits } from './limits';

/** End-to-end encrypted chat text: base64url of IV ‖ AES-GCM ciphertext ‖ tag. */
export const ChatCiphertext = z
  .string()
  .min(1)
  .max(limits.maxChatCiphertextLength)
  .regex(/^[A-Za-z0-9_-]+$/, 'ciphertext must be base64url');

/** An end-to-end encrypted file's name, size and type: base64url of IV ‖ AES-GCM ciphertext ‖ tag. */
export const SealedFileMeta = z
  .string()
  .min(1)
  .max(limits.maxSealedFileMetaLength)
  .regex(/^[A-Za-z0-9_-]+$/, 'sealed file details must be base64url');
