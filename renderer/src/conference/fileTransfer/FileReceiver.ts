import { createSHA256, type IHasher } from 'hash-wasm';
import type { types } from 'mediasoup-client';
import type { FileOffer } from '../../../../shared/fileTransfer';
import { limits } from '../../../../shared/limits';
import type { NotificationData } from '../../../../shared/protocol';
import type { FileCipher } from '../MediaEncryption';
import type { SignalingClient } from '../SignalingClient';
import { CLOSE_GRACE_MS, closeLater } from './FileSender';
import type { TransferRecord } from './FileTransfer';

/** Received chunks are gathered into Blobs of about this size, which the browser may keep on disk. */
const BLOB_PART_BYTES = 16 * 1024 ** 2;

/**
 * The receiving side of one transfer: the data consumer, the file hashed as it arrives (SHA-256,
 * incrementally), acknowledgements every `limits.fileAckBytes` (the sender's window), and at the
 * end the hash compared with the sender's: a Blob URL to download, or the "corrupted" state.
 * In an end-to-end encrypted meeting each chunk is opened (in order) before it counts (`cipher`);
 * one that cannot be (another meeting key, altered by the host) ends the transfer as corrupted.
 * The offer's size and the acknowledgements are in wire bytes; the record shows the file's.
 */
export class FileReceiver {
  readonly record: TransferRecord;
  readonly #offer: FileOffer;
  readonly #signaling: SignalingClient;
  readonly #cipher?: Promise<FileCipher>;
  /** Chunks opened one at a time, in arrival order. */
  #opening: Promise<void> = Promise.resolve();
  /** Wire bytes that arrived, and how many of them were opened and counted. */
  #arrived = 0;
  #counted = 0;
  #chunks = 0;
  #verifying = false;
  #consumer?: types.DataConsumer;
  #hasher?: IHasher;
  #parts: ArrayBuffer[] = [];
  #partBytes = 0;
  #blobs: Blob[] = [];
  #received = 0;
  #acked = 0;
  #expectedSha?: string;
  #stopped = false;

  constructor(record: TransferRecord, offer: FileOffer, signaling: SignalingClient, cipher?: Promise<FileCipher>) {
    this.record = record;
    this.#offer = offer;
    this.#signaling = signaling;
    this.#cipher = cipher;
    cipher?.catch(() => undefined);
  }

  get id(): string {
    return this.#offer.transferId;
  }

  /** Creates the data consumer and tells the host it is ready (acknowledges 0 bytes) once its channel is open. */
  async start(transport: types.Transport): Promise<void> {
    let cipher: FileCipher | undefined;
    try {
      cipher = await this.#cipher;
    } catch (error) {
      // Its details could not be opened: another meeting key, or altered. Nothing is received.
      return this.#corrupted(error instanceof Error ? error.message : String(error));
    }
    this.#hasher = await createSHA256();
    this.#hasher.init();
    const { dataConsumer } = this.#offer;
    const consumer = await transport.consumeData({
      id: dataConsumer.id,
      dataProducerId: dataConsumer.dataProducerId,
      sctpStreamParameters: dataConsumer.sctpStreamParameters,
      label: dataConsumer.label,
      protocol: dataConsumer.protocol,
      appData: { transferId: this.id },
    });
    this.#consumer = consumer;
    if (this.#stopped) return consumer.close();
    consumer.binaryType = 'arraybuffer';
    consumer.on('message', (data: unknown) => this.#onChunk(data, cipher));
    const lost = () => setTimeout(() => this.#stop('failed', 'the connection to the meeting was lost'), CLOSE_GRACE_MS);
    consumer.on('transportclose', lost);
    consumer.on('close', lost);
    if (consumer.readyState !== 'open') await new Promise<void>((resolve) => consumer.once('open', () => resolve()));
    if (this.#stopped) return;
    this.record.update({ state: 'transferring' });
    await this.#signaling.request('fileAck', { transferId: this.id, received: 0 });
    if (this.#offer.size === 0) this.#verify();
  }

  onHash(data: NotificationData<'fileHash'>): void {
    this.#expectedSha = data.sha256;
    // Encrypted: the host relays a keyed hash; the record gets the file's own once it matched.
    if (!this.#cipher) this.record.update({ sha256: data.sha256 });
    this.#verify();
  }

  onEnded(data: NotificationData<'fileEnded'>): void {
    if (data.reason === 'cancelled') this.#stop('cancelled', `${this.#offer.displayName} cancelled`);
    else if (data.reason === 'sender_left') this.#stop('failed', `${this.#offer.displayName} left before the file arrived`);
    else if (data.reason === 'oversize') this.#stop('corrupted', 'the sender sent more than the file size');
    else if (data.reason === 'timeout') this.#stop('failed', 'the file did not start in time');
  }

  /** The user cancels: the host is told, this side stops. */
  cancel(): void {
    if (this.#stopped) return;
    this.#finish('cancelled', { message: 'cancelled' }, this.#signaling.request('cancelFile', { transferId: this.id }));
  }

  /** Ends this side without telling the host (the session is gone). */
  abandon(message: string): void {
    this.#finish('failed', { message }, undefined, true);
  }

  #onChunk(data: unknown, cipher: FileCipher | undefined): void {
    if (this.#stopped || !this.#hasher) return;
    if (!(data instanceof ArrayBuffer)) return this.#corrupted('a message that is not file data arrived');
    this.#arrived += data.byteLength;
    if (this.#arrived > this.#offer.size) return this.#corrupted('more data arrived than the file size');
    if (!cipher) return this.#count(data, data.byteLength);
    const index = this.#chunks++;
    this.#opening = this.#opening
      .then(async () => {
        if (!this.#stopped) this.#count(await cipher.open(data, index), data.byteLength);
      })
      .catch((error: unknown) => this.#corrupted(error instanceof Error ? error.message : String(error)));
  }

  /** A chunk of the file (opened, if it came sealed) that took `wireBytes` on the wire. */
  #count(opened: ArrayBuffer, wireBytes: number): void {
    if (this.#stopped || !this.#hasher) return;
    // An end-to-end encrypted file ends in padding (zeros up to its padded size): not part of the file.
    const keep = Math.max(0, Math.min(opened.byteLength, this.record.value.size - this.#received));
    const chunk = keep === opened.byteLength ? opened : opened.slice(0, keep);
    this.#received += chunk.byteLength;
    this.#counted += wireBytes;
    this.#hasher.update(new Uint8Array(chunk));
    this.#parts.push(chunk);
    this.#partBytes += chunk.byteLength;
    if (this.#partBytes >= BLOB_PART_BYTES) this.#flushParts();
    this.record.update({ bytes: this.#received });
    if (this.#counted - this.#acked >= limits.fileAckBytes || this.#counted === this.#offer.size) {
      this.#acked = this.#counted;
      this.#signaling.request('fileAck', { transferId: this.id, received: this.#counted }).catch(() => undefined);
    }
    if (this.#counted === this.#offer.size) {
      this.record.update({ state: 'verifying' });
      this.#verify();
    }
  }

  #flushParts(): void {
    if (this.#parts.length === 0) return;
    this.#blobs.push(new Blob(this.#parts));
    this.#parts = [];
    this.#partBytes = 0;
  }

  #verify(): void {
    if (this.#stopped || !this.#hasher || this.#counted !== this.#offer.size || !this.#expectedSha || this.#verifying) return;
    this.#verifying = true;
    const actual = this.#hasher.digest('hex');
    const expected = this.#expectedSha;
    void (async () => {
      const cipher = await this.#cipher;
      return cipher ? cipher.digest(actual) : actual;
    })().then(
      (keyed) => (keyed === expected ? this.#deliver(actual) : this.#corrupted('the file does not match the sender’s SHA-256')),
      (error: unknown) => this.#corrupted(error instanceof Error ? error.message : String(error)),
    );
  }

  #deliver(sha256: string): void {
    if (this.#stopped) return;
    if (this.#cipher) this.record.update({ sha256 });
    this.#flushParts();
    const url = URL.createObjectURL(new Blob(this.#blobs, { type: this.record.value.mimeType || 'application/octet-stream' }));
    this.#blobs = [];
    this.#finish('done', { url }, this.#signaling.request('fileResult', { transferId: this.id, outcome: 'received' }));
  }

  #corrupted(message: string): void {
    if (this.#stopped) return;
    this.#finish('corrupted', { message }, this.#signaling.request('fileResult', { transferId: this.id, outcome: 'corrupted' }));
  }

  #stop(state: 'cancelled' | 'failed' | 'corrupted', message: string): void {
    this.#finish(state, { message });
  }

  /** Ends this side; the host closes the data consumer (see closeLater), or this side at once when the session is gone (`now`). */
  #finish(state: 'done' | 'cancelled' | 'failed' | 'corrupted', change: { url?: string; message?: string }, telling?: Promise<unknown>, now = false): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#parts = [];
    this.#blobs = [];
    this.record.update({ state, ...change });
    telling?.catch(() => undefined);
    closeLater(this.#consumer, now);
  }
}
