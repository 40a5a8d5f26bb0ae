import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const Envelope = z.object({ body: z.string().max(256_000), sig: z.string().regex(/^[0-9a-f]{64}$/) });

/**
 * What a node writes to Redis is signed with the cluster secret (HMAC-SHA256) and checked and
 * parsed when read: whoever can write to Redis but lacks the secret cannot add a node whose URL
 * clients would be sent to, nor make a node believe something malformed.
 */
export class SignedRecords {
  readonly #secret: string;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('the cluster secret must be at least 32 characters');
    this.#secret = secret;
  }

  seal(kind: string, value: unknown): string {
    const body = JSON.stringify({ kind, value });
    return JSON.stringify({ body, sig: this.#sign(body) });
  }

  /** The value, or undefined when the text is missing, not signed with our secret, of another kind, or malformed. */
  open<T>(kind: string, schema: z.ZodType<T>, text: string | null | undefined): T | undefined {
    if (!text) return undefined;
    let envelope: z.infer<typeof Envelope>;
    let inner: unknown;
    try {
      envelope = Envelope.parse(JSON.parse(text));
      const expected = Buffer.from(this.#sign(envelope.body), 'hex');
      const given = Buffer.from(envelope.sig, 'hex');
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      inner = JSON.parse(envelope.body);
    } catch {
      return undefined;
    }
    const parsed = z.object({ kind: z.literal(kind), value: schema }).safeParse(inner);
    return parsed.success ? parsed.data.value : undefined;
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest('hex');
  }
}
