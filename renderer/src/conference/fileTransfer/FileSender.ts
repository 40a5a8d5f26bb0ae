import { createSHA256 } from 'hash-wasm';
import type { types } from 'mediasoup-client';
import type { NotificationData } from '../../../../shared/protocol';
import { limits } from '../../../../shared/limits';
import { SEALED_CHUNK_OVERHEAD, type FileCipher } from '../MediaEncryption';
import type { SignalingClient } from '../SignalingClient';
import type { TransferRecord } from './FileTransfer';
import { fileBytesOf } from './wireSize';

export const FILE_PROTOCOL = 'roundtable-file/1';
/** Read from the file this much at a time, sent as `limits.fileChunkBytes` messages. */
const READ_BYTES = 1024 ** 2;
/**
 * How a sender writes: messages of `chunkBytes` (an encrypted file always uses limits.fileChunkBytes:
 * its wire size depends on it), and data channel back-pressure: stop writing above `bufferHigh`,
 * resume at `bufferLow` (`bufferedamountlow`). bench:files compares settings (FileTransfers.sendTuning).
 */
export interface FileSendTuning {
  chunkBytes: number;
  bufferHigh: number;
  bufferLow: number;
}
export const DEFAULT_SEND_TUNING: FileSendTuning = { chunkBytes: limits.fileChunkBytes, bufferHigh: 4 * 1024 ** 2, bufferLow: 1024 ** 2 };
/** Chromium and mediasoup take data channel messages of up to 256 KiB (maxMessageSize), and a read block holds whole messages. */
const MAX_CHUNK_BYTES = 256 * 1024;
/** No acknowledgement or drain for this long: the transfer has stalled. */
const STALL_MS = 30_000;
/** A data channel closed under a transfer: how long to wait for the host's word on why. */
export const CLOSE_GRACE_MS = 3_000;
/** The host closes a transfer's data channels (once drained: at most limits.fileDrainMaxMs); this side closes one itself only if that has not happened by then. */
export const CLOSE_FALLBACK_MS = limits.fileDrainMaxMs + 5_000;
/** How often a stopped sender looks whether its data channel has drained. */
const DRAIN_POLL_MS = 50;

/**
 * The host closes the data channels of a transfer that ended. Both ends resetting the same SCTP
 * stream at once wedged the whole association (seen with wrtc and mediasoup 3.27: later channels
 * on that transport stayed silent), so this side closes its end only as a fallback, or at once when
 * the session is gone anyway.
 */
export function closeLater(channel: { closed: boolean; close(): void } | undefined, now: boolean): void {
  if (!channel || channel.closed) return;
  if (now) return channel.close();
  setTimeout(() => {
    if (!channel.closed) channel.close();
  }, CLOSE_FALLBACK_MS);
}

/** Bytes `from` to `to` of `file`, zeros past its end. */
async function readPadded(file: Blob, from: number, to: number): Promise<ArrayBuffer> {
  const part = from < file.size ? await file.slice(from, Math.min(file.size, to)).arrayBuffer() : new ArrayBuffer(0);
  if (part.byteLength === to - from) return part;
  const block = new Uint8Array(to - from);
  block.set(new Uint8Array(part));
  return block.buffer;
}

/**
 * The sending side of one transfer: the data producer, the file read in blocks and hashed as it
 * goes, each chunk written only while (a) the data channel's buffer is below its high-water mark
 * and (b) the slowest recipient has acknowledged all but a window of what was sent (the SFU drops
 * what it cannot buffer for a slow recipient, so the data channel alone is not back-pressure enough).
 * In an end-to-end encrypted meeting each chunk is sealed first (`cipher`): the host sees, and
 * recipients acknowledge, the sealed (wire) bytes.
 */
export class FileSender {
  readonly record: TransferRecord;
  readonly #file: Blob;
  readonly #signaling: SignalingClient;
  readonly #cipher?: FileCipher;
  /** Bytes sent before sealing: the file, then zeros up to its padded size (end-to-end encrypted). */
  readonly #paddedSize: number;
  readonly #tuning: FileSendTuning;
  #producer?: types.DataProducer;
  /** Bytes every recipient has acknowledged; undefined until they are all ready. */
  #delivered?: number;
  #wake?: () => void;
  #stopped = false;
  #channelClosed!: () => void;
  /** Resolves once this transfer's data channel is closed (or was never opened). */
  readonly channelClosed = new Promise<void>((resolve) => (this.#channelClosed = resolve));

  constructor(record: TransferRecord, file: Blob, signaling: SignalingClient, options: { cipher?: FileCipher; paddedSize?: number; tuning?: Partial<FileSendTuning> } = {}) {
    this.record = record;
    this.#file = file;
    this.#signaling = signaling;
    this.#cipher = options.cipher;
    this.#paddedSize = options.paddedSize ?? file.size;
    const tuning = { ...DEFAULT_SEND_TUNING, ...options.tuning };
    const chunkBytes = options.cipher ? limits.fileChunkBytes : Math.min(MAX_CHUNK_BYTES, 2 ** Math.round(Math.log2(Math.max(1024, tuning.chunkBytes))));
    this.#tuning = { ...tuning, chunkBytes };
  }

  get id(): string {
    return this.record.value.id;
  }

  /** Creates the data producer and sends the whole file; resolves once every byte is written and the hash is sent. */
  async run(transport: types.Transport): Promise<void> {
    const producer = await transport.produceData({ ordered: true, label: 'file', protocol: FILE_PROTOCOL, appData: { transferId: this.id } }).catch((error: unknown) => {
      this.#channelClosed();
      throw error;
    });
    this.#producer = producer;
    producer.observer.once('close', () => this.#channelClosed());
    if (this.#stopped) return producer.close();
    producer.bufferedAmountLowThreshold = this.#tuning.bufferLow;
    producer.on('bufferedamountlow', () => this.#wakeUp());
    producer.on('open', () => this.#wakeUp());
    // The host closes the channel when the transfer ends and says why on signaling: give that a moment to arrive.
    const lost = () => setTimeout(() => this.stop('failed', 'the connection to the meeting was lost'), CLOSE_GRACE_MS);
    producer.on('transportclose', lost);
    producer.on('close', lost);
    const hasher = await createSHA256();
    hasher.init();
    const size = this.#file.size;
    const padded = this.#paddedSize;
    const { chunkBytes } = this.#tuning;
    let offset = 0;
    let sent = 0;
    let index = 0;
    while (offset < padded) {
      const block = await readPadded(this.#file, offset, Math.min(padded, offset + READ_BYTES));
      for (let at = 0; at < block.byteLength; at += chunkBytes) {
        const chunk = block.slice(at, Math.min(block.byteLength, at + chunkBytes));
        const wire = this.#cipher ? await this.#cipher.seal(chunk, index) : chunk;
        await this.#roomFor(sent + wire.byteLength);
        if (this.#stopped) return;
        const fileBytes = Math.max(0, Math.min(chunk.byteLength, size - offset));
        if (fileBytes > 0) hasher.update(new Uint8Array(chunk, 0, fileBytes));
        producer.send(wire);
        offset += chunk.byteLength;
        sent += wire.byteLength;
        index++;
      }
    }
    await this.#roomFor(0);
    if (this.#stopped) return;
    const sha256 = hasher.digest('hex');
    await this.#signaling.request('fileSent', { transferId: this.id, sha256: this.#cipher ? await this.#cipher.digest(sha256) : sha256 });
  }

  onProgress(data: NotificationData<'fileProgress'>): void {
    this.#delivered = data.delivered;
    this.record.update({ bytes: Math.min(this.record.value.size, fileBytesOf(data.delivered, this.#overhead)), recipients: data.recipients, state: 'transferring' });
    this.#wakeUp();
  }

  onRecipientEnded(data: NotificationData<'fileRecipientEnded'>): void {
    const outcomes = { ...this.record.value.outcomes };
    outcomes[data.outcome] = (outcomes[data.outcome] ?? 0) + 1;
    this.record.update({ outcomes });
  }

  onEnded(data: NotificationData<'fileEnded'>): void {
    const outcomes = this.record.value.outcomes ?? {};
    if (data.reason === 'done') {
      if (outcomes.received) this.stop('done');
      else if (outcomes.corrupted) this.stop('corrupted', 'the file arrived corrupted');
      else if (outcomes.cancelled) this.stop('cancelled', 'the recipient cancelled');
      else this.stop('failed', 'nobody received the file');
    } else if (data.reason === 'cancelled') this.stop('cancelled', 'cancelled');
    else if (data.reason === 'oversize') this.stop('failed', 'more data was sent than the file size');
    else this.stop('failed', 'the recipients were not ready in time');
  }

  /** The user cancels: the host ends the transfer for everyone (and closes the data channel). */
  cancel(): void {
    if (this.#stopped) return;
    this.#signaling.request('cancelFile', { transferId: this.id }).catch(() => undefined);
    this.stop('cancelled', 'cancelled');
  }

  /** Ends this side and wakes the send loop so it returns. `now`: close the data producer here at once (the session is gone). */
  stop(state: 'done' | 'corrupted' | 'cancelled' | 'failed', message?: string, now = false): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.record.update({ state, message, ...(state === 'done' ? { bytes: this.record.value.size } : {}) });
    closeLater(this.#producer, now);
    if (!now) void this.#reportDrained();
    this.#wakeUp();
  }

  /**
   * Tells the host once nothing this side wrote is queued here any more: the host resets the
   * channel's SCTP stream only then (closeDrained on the host), since a reset while data was still
   * queued here stopped this side's whole association.
   */
  async #reportDrained(): Promise<void> {
    const producer = this.#producer;
    if (!producer) return;
    const giveUpAt = Date.now() + limits.fileDrainMaxMs;
    while (!producer.closed && producer.bufferedAmount > 0 && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    if (producer.closed || producer.bufferedAmount > 0) return;
    await this.#signaling.request('fileDrained', { transferId: this.id }).catch(() => undefined);
  }

  get #overhead(): number {
    return this.#cipher ? SEALED_CHUNK_OVERHEAD : 0;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Waits until `upTo` bytes may be written (0: until the channel is open and drained below its mark). */
  async #roomFor(upTo: number): Promise<void> {
    const producer = this.#producer!;
    const fits = () =>
      producer.readyState === 'open' &&
      producer.bufferedAmount <= this.#tuning.bufferHigh &&
      this.#delivered !== undefined &&
      upTo <= this.#delivered + limits.fileWindowBytes;
    let lastChange = Date.now();
    let lastDelivered = this.#delivered;
    while (!this.#stopped && !fits()) {
      await new Promise<void>((resolve) => {
        // Also re-checks every second: a missed event must not hang the transfer.
        const timer = setTimeout(resolve, 1_000);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.#delivered !== lastDelivered) {
        lastDelivered = this.#delivered;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > STALL_MS) {
        this.stop('failed', 'the transfer stalled');
      }
    }
  }
}
