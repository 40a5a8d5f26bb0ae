import { deriveSenderKey } from './keys';

/**
 * Encryption of one encoded media frame (AES-GCM), leaving in the clear the first bytes the SFU
 * and the receiver's depacketizer read:
 * - VP8: the 3-byte frame tag of every frame (key/delta bit, sizes), and for key frames also the
 *   start code and dimensions (10 bytes). Simulcast and temporal layers live in the RTP payload
 *   descriptor, which the browser's packetizer writes outside the frame, so they stay readable.
 * - Opus: the TOC byte.
 * Other video codecs (H.264 NAL units, VP9, AV1) are not sent in encrypted meetings: their frames
 * are dropped (see `clearBytes`), and the app sends VP8, the host's first video codec.
 *
 * Frame layout: header ‖ ciphertext+tag(16) ‖ iv(12) ‖ clearLength(1) ‖ epoch(1).
 * The header, clearLength and epoch are authenticated as additional data: a host that changes
 * them makes the frame fail to decrypt rather than play.
 */

export const IV_LENGTH = 12;
export const TAG_LENGTH = 16;
export const TRAILER_LENGTH = IV_LENGTH + 2;

export type FrameKind = 'audio' | 'video';

/** The parts of RTCEncodedVideoFrame / RTCEncodedAudioFrame used here. */
export interface EncodedFrame {
  data: ArrayBuffer;
  readonly type?: 'key' | 'delta' | 'empty';
  getMetadata?(): { mimeType?: string };
}

/** How many leading bytes stay clear; undefined: a codec this module cannot protect correctly. */
export function clearBytes(kind: FrameKind, frame: EncodedFrame): number | undefined {
  if (kind === 'audio') return 1;
  const mimeType = frame.getMetadata?.().mimeType?.toLowerCase();
  if (mimeType && mimeType !== 'video/vp8') return undefined;
  return frame.type === 'key' ? 10 : 3;
}

function additionalData(header: Uint8Array, clearLength: number, epoch: number): Uint8Array<ArrayBuffer> {
  const aad = new Uint8Array(header.length + 2);
  aad.set(header);
  aad[header.length] = clearLength;
  aad[header.length + 1] = epoch;
  return aad;
}

/** Encrypts one sender's frames under its current key; IVs are a random prefix and a counter. */
export class FrameEncryptor {
  #key?: CryptoKey;
  #epoch = 0;
  readonly #iv = new Uint8Array(IV_LENGTH);
  #counter = 0;

  constructor() {
    this.#newIvPrefix();
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** A new key: frames encrypted from now on carry `epoch`. */
  setKey(key: CryptoKey, epoch: number): void {
    this.#key = key;
    this.#epoch = epoch;
    this.#newIvPrefix();
  }

  #newIvPrefix(): void {
    crypto.getRandomValues(this.#iv.subarray(0, 8));
    this.#counter = 0;
  }

  #nextIv(): Uint8Array<ArrayBuffer> {
    if (this.#counter === 0xffffffff) this.#newIvPrefix();
    new DataView(this.#iv.buffer).setUint32(8, this.#counter++);
    return this.#iv.slice();
  }

  /** The encrypted frame data, or undefined: the frame must be dropped (no key yet, codec unsupported). */
  async encrypt(kind: FrameKind, frame: EncodedFrame): Promise<ArrayBuffer | undefined> {
    const key = this.#key;
    if (!key) return undefined;
    if (frame.data.byteLength === 0) return frame.data;
    const wanted = clearBytes(kind, frame);
    if (wanted === undefined) return undefined;
    const clearLength = Math.min(wanted, frame.data.byteLength);
    const header = new Uint8Array(frame.data, 0, clearLength);
    const iv = this.#nextIv();
    const epoch = this.#epoch;
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(header, clearLength, epoch), tagLength: TAG_LENGTH * 8 },
      key,
      new Uint8Array(frame.data, clearLength),
    );
    const out = new Uint8Array(clearLength + sealed.byteLength + TRAILER_LENGTH);
    out.set(header);
    out.set(new Uint8Array(sealed), clearLength);
    out.set(iv, clearLength + sealed.byteLength);
    out[out.length - 2] = clearLength;
    out[out.length - 1] = epoch;
    return out.buffer;
  }
}

export type DecryptResult = { ok: true; data: ArrayBuffer } | { ok: false; reason: 'malformed' | 'authentication' | 'no_key' };

/**
 * Decrypts one remote sender's frames with keys derived from this client's meeting key, the
 * sender's id and the epoch the frame carries (cached per epoch).
 */
export class FrameDecryptor {
  readonly #senderId: string;
  #meetingKey?: CryptoKey;
  readonly #keys = new Map<number, Promise<CryptoKey>>();

  constructor(senderId: string, meetingKey?: CryptoKey) {
    this.#senderId = senderId;
    this.#meetingKey = meetingKey;
  }

  setMeetingKey(meetingKey: CryptoKey): void {
    this.#meetingKey = meetingKey;
    this.#keys.clear();
  }

  #keyFor(epoch: number): Promise<CryptoKey> | undefined {
    const meetingKey = this.#meetingKey;
    if (!meetingKey) return undefined;
    let key = this.#keys.get(epoch);
    if (!key) {
      // A sender changes epoch rarely; a few cached epochs cover frames still in flight.
      if (this.#keys.size >= 4) this.#keys.delete(this.#keys.keys().next().value!);
      key = deriveSenderKey(meetingKey, this.#senderId, epoch);
      this.#keys.set(epoch, key);
    }
    return key;
  }

  async decrypt(frame: EncodedFrame): Promise<DecryptResult> {
    const data = frame.data;
    if (data.byteLength === 0) return { ok: true, data };
    if (data.byteLength < TAG_LENGTH + TRAILER_LENGTH) return { ok: false, reason: 'malformed' };
    const bytes = new Uint8Array(data);
    const clearLength = bytes[bytes.length - 2]!;
    const epoch = bytes[bytes.length - 1]!;
    const sealedEnd = bytes.length - TRAILER_LENGTH;
    if (clearLength > sealedEnd - TAG_LENGTH) return { ok: false, reason: 'malformed' };
    const key = this.#keyFor(epoch);
    if (!key) return { ok: false, reason: 'no_key' };
    const header = bytes.subarray(0, clearLength);
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.slice(sealedEnd, sealedEnd + IV_LENGTH), additionalData: additionalData(header, clearLength, epoch), tagLength: TAG_LENGTH * 8 },
        await key,
        bytes.subarray(clearLength, sealedEnd),
      );
      const out = new Uint8Array(clearLength + plain.byteLength);
      out.set(header);
      out.set(new Uint8Array(plain), clearLength);
      return { ok: true, data: out.buffer };
    } catch {
      return { ok: false, reason: 'authentication' };
    }
  }
}

/** Consecutive failed frames after which a receiver reports "cannot decrypt". */
export const FAILURES_BEFORE_REPORT = 3;

/** Turns per-frame results into state changes worth telling the UI: ok ⇄ failing. */
export class DecryptHealth {
  #failures = 0;
  #state: 'unknown' | 'ok' | 'failing' = 'unknown';

  /** Returns the new state when it changed. */
  record(ok: boolean): 'ok' | 'failing' | undefined {
    if (ok) {
      this.#failures = 0;
      if (this.#state === 'ok') return undefined;
      this.#state = 'ok';
      return 'ok';
    }
    this.#failures++;
    if (this.#state === 'failing' || this.#failures < FAILURES_BEFORE_REPORT) return undefined;
    this.#state = 'failing';
    return 'failing';
  }

  get state(): 'unknown' | 'ok' | 'failing' {
    return this.#state;
  }
}
