/**
 * Meeting keys and what is derived from them (WebCrypto only). The meeting key is a secret string
 * shared out of band: generated as 128 random bits in the join link's fragment, or typed in.
 * Every sender encrypts with its own key, derived with HKDF from the meeting key and bound to the
 * sender's participant id and its key epoch (which goes up whenever the sender changes key), so
 * no two senders, and no two epochs of one sender, ever share an AES-GCM key.
 */

const encoder = new TextEncoder();
const SENDER_SALT = encoder.encode('roundtable/e2ee/v1/sender-key');
const VERIFY_SALT = encoder.encode('roundtable/e2ee/v1/verification-code');

/** Longest meeting key accepted (typed keys are passphrases; generated ones are 22 characters). */
export const MAX_MEETING_KEY_LENGTH = 256;

export class MeetingKeyError extends Error {
  override readonly name = 'MeetingKeyError';
}

/** 128 random bits, base64url without padding: safe in a URL fragment and easy to paste. */
export function generateMeetingKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** A typed or linked key, trimmed; throws MeetingKeyError when empty or too long. */
export function normalizeMeetingKey(input: string): string {
  const key = input.trim();
  if (!key) throw new MeetingKeyError('the meeting key is empty');
  if (key.length > MAX_MEETING_KEY_LENGTH) throw new MeetingKeyError(`the meeting key is longer than ${MAX_MEETING_KEY_LENGTH} characters`);
  return key;
}

/** The meeting key as HKDF input keying material (not extractable, usable only for derivation). */
export function importMeetingKey(meetingKey: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(normalizeMeetingKey(meetingKey)), 'HKDF', false, ['deriveKey', 'deriveBits']);
}

/** The AES-GCM-128 key one sender uses in one key epoch. */
export function deriveSenderKey(meetingKey: CryptoKey, senderId: string, epoch: number): Promise<CryptoKey> {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 255) throw new RangeError(`key epoch out of range: ${epoch}`);
  const info = encoder.encode(`${senderId}\u0000${epoch}`);
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: SENDER_SALT, info }, meetingKey, { name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);
}

/**
 * A 6-digit code ("482 913") everyone with the same meeting key sees, to compare aloud. It is
 * derived with its own salt, so it says nothing about the sender keys; it is never sent anywhere.
 */
export async function verificationCode(meetingKey: string): Promise<string> {
  const base = await importMeetingKey(meetingKey);
  const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: VERIFY_SALT, info: new Uint8Array() }, base, 32);
  const digits = String(new DataView(bits).getUint32(0) % 1_000_000).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
