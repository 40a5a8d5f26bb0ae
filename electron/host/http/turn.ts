import { createHmac } from 'node:crypto';
import type { IceServer } from '../../../shared/protocol';

/**
 * Time-limited TURN credentials in the TURN REST API form coturn's `use-auth-secret` understands:
 * username `expiry:user`, credential base64(HMAC-SHA1(secret, username)).
 */
export function turnCredentials(url: string, secret: string, user: string, ttlSeconds = 12 * 3600, now = Date.now()): IceServer {
  const username = `${Math.floor(now / 1000) + ttlSeconds}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { urls: url.split(',').map((u) => u.trim()), username, credential };
}
