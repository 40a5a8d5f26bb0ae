/**
 * Meeting keys and what is derived from them (WebCrypto only). The meeting key is a secret string
 * shared out of band: generated as 128 random bits in the join link's fragment, or typed in.
 * A generated key is used as it is; anything else is a passphrase and is stretched first with
 * PBKDF2 (see deriveMeetingKey). Every sender encrypts with its own key, derived with HKDF from
 * the meeting key and bound to the sender's participant id and its key epoch (which goes up
 * whenever the sender changes key), so no two senders, and no two epochs of one sender, ever
 * share an AES-GCM key. Chat has its own key (another HKDF salt).
 */

const encoder = new TextEncoder();
const SENDER_SALT = encoder.encode('roundtable/e2ee/v1/sender-key');
const VERIFY_SALT = encoder.encode('roundtable/e2ee/v1/verification-code');
const CHAT_SALT = encoder.encode('roundtable/e2ee/v1/chat-key');
const PASSPHRASE_LABEL = 'roundtable/e2ee/v1/passphrase';

/**
 * PBKDF2-SHA-256 rounds for a typed passphrase: OWASP's 2023 minimum. Measured in Chromium on
 * this project's 2-core machine: see docs/SECURITY.md (runs off the UI thread in WebCrypto).
 */
export const PASSPHRASE_ITERATIONS = 600_000;

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

/**
 * True for a key exactly as generateMeetingKey writes it (and a link carries it): 22 base64url
 * characters that encode 16 bytes, the last one holding only 2 bits (A, Q, g or w). Such a key
 * is already 128 random bits and skips the passphrase stretching; a pasted link key is
 * recognised the same way, so it gives the same meeting key as the link.
 */
export function isGeneratedMeetingKey(key: string): boolean {
  return /^[A-Za-z0-9_-]{21}[AQgw]$/.test(key);
}

/** The meeting key as HKDF input keying material (not extractable, usable only for derivation). */
export function importMeetingKey(meetingKey: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(normalizeMeetingKey(meetingKey)), 'HKDF', false, ['deriveKey', 'deriveBits']);
}

/**
 * The meeting key every other key comes from: a generated key as it is (fast); a passphrase
 * stretched with PBKDF2-SHA-256 (`iterations`, salted with the app's label and the meeting id,
 * which every participant knows from the link), so each guess at a recorded meeting costs an
 * attacker as much as one derivation here. WebCrypto runs it off the UI thread.
 */
export async function deriveMeetingKey(meetingKey: string, meetingId: string, iterations = PASSPHRASE_ITERATIONS): Promise<CryptoKey> {
  const key = normalizeMeetingKey(meetingKey);
  if (isGeneratedMeetingKey(key)) return importMeetingKey(key);
  if (!meetingId) throw new MeetingKeyError('a typed meeting key needs the meeting id');
  const passphrase = await crypto.subtle.importKey('raw', encoder.encode(key.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const salt = encoder.encode(`${PASSPHRASE_LABEL}\u0000${meetingId}`);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, passphrase, 256);
  return crypto.subtle.importKey('raw', bits, 'HKDF', false, ['deriveKey', 'deriveBits']);
}

/** The AES-GCM-128 key of the meeting's chat (its own salt: it says nothing about the media keys). */
export function deriveChatKey(meetingKey: CryptoKey): Promise<CryptoKey> {
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: CHAT_SALT, info: new Uint8Array() }, meetingKey, { name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);
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
export async function verificationCode(meetingKey: CryptoKey): Promise<string> {
  const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: VERIFY_SALT, info: new Uint8Array() }, meetingKey, 32);
  const digits = String(new DataView(bits).getUint32(0) % 1_000_000).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
