import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret a client sent with ours in constant time, whatever either one contains.
 * Both sides are hashed first, so inputs of different byte lengths (a 32-character string of
 * "é" is 64 bytes) compare as unequal instead of throwing, and the time taken says nothing
 * about the secret's length.
 */
export function secretsEqual(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
