import { EventEmitter } from 'eventemitter3';
import type { types } from 'mediasoup-client';
import type { FileOffer } from '../../../shared/fileTransfer';
import { limits } from '../../../shared/limits';
import type { ConnectionState } from './ConnectionStateMachine';
import { ConferenceError } from './errors';
import { FileReceiver } from './fileTransfer/FileReceiver';
import { CLOSE_FALLBACK_MS, FileSender, type FileSendTuning } from './fileTransfer/FileSender';
import { TransferRecord, type FileTransfer } from './fileTransfer/FileTransfer';
import { SEALED_CHUNK_OVERHEAD, type FileCipher, type MediaEncryption } from './MediaEncryption';
import type { SignalingClient } from './SignalingClient';
import { paddedSize, wireSize } from './fileTransfer/wireSize';

export type { FileTransfer, FileTransferState } from './fileTransfer/FileTransfer';
export { PrivateMessages } from './PrivateMessages';

export type FileTransferEvents = {
  /** A transfer started, progressed (at most every 100 ms), or ended. */
  transfer: [transfer: FileTransfer];
};

export interface FileTransfersDeps {
  signaling: SignalingClient;
  /** The current session's transports (none between sessions). */
  transports(): { send: types.Transport; recv: types.Transport } | undefined;
  /** The conference's connection state changes: transfers do not survive a lost session. */
  onConnectionState(listener: (state: ConnectionState) => void): void;
  /** The meeting's end-to-end encryption, if any: files are then sealed chunk by chunk with its key. */
  encryption?(): MediaEncryption | undefined;
  /** Our participant id (what an encrypted file's chunks are bound to). */
  localId?(): string;
}

/** What the host is told an end-to-end encrypted file is called. */
const SEALED_NAME = 'file';

/** How long a new file waits at most for the host to close the channels of ended ones. */
const CHANNEL_SETTLE_MS = CLOSE_FALLBACK_MS;

const transferIdOf = (data: { transferId: string }) => data.transferId;

/**
 * Files sent to everyone or to one participant, at LAN speed, through the SFU's data channels;
 * never stored on the host. One data producer per transfer; the host creates data consumers only
 * for its recipients. Both sides see progress, either side can cancel, and the receiver checks
 * the SHA-256 before offering the file (a Blob URL) for download. In an end-to-end encrypted
 * meeting the host relays sealed chunks and a keyed hash only (../e2ee/fileCrypto).
 */
export class FileTransfers extends EventEmitter<FileTransferEvents> {
  readonly #deps: FileTransfersDeps;
  readonly #senders = new Map<string, FileSender>();
  readonly #receivers = new Map<string, FileReceiver>();
  readonly #transfers = new Map<string, FileTransfer>();
  readonly #wired = new WeakSet<types.Transport>();
  /** Data channels of ended outgoing transfers the host has not closed yet (see #channelsSettled). */
  readonly #closing = new Set<Promise<void>>();
  #maxFileBytes: number = limits.defaultMaxFileBytes;
  /** How files are written to their data channels, for files sent from now on (bench:files compares settings). */
  sendTuning: Partial<FileSendTuning> = {};

  constructor(deps: FileTransfersDeps) {
    super();
    this.#deps = deps;
    const socket = deps.signaling.socket;
    socket.on('welcome', (data) => {
      if (data.maxFileBytes !== undefined) this.#maxFileBytes = data.maxFileBytes;
    });
    socket.on('fileOffered', (offer) => this.#onOffer(offer));
    socket.on('fileProgress', (data) => this.#senders.get(transferIdOf(data))?.onProgress(data));
    socket.on('fileRecipientEnded', (data) => this.#senders.get(transferIdOf(data))?.onRecipientEnded(data));
    socket.on('fileHash', (data) => this.#receivers.get(transferIdOf(data))?.onHash(data));
    socket.on('fileEnded', (data) => {
      this.#senders.get(transferIdOf(data))?.onEnded(data);
      this.#receivers.get(transferIdOf(data))?.onEnded(data);
    });
    deps.onConnectionState((state) => {
      if (state !== 'connected') this.#abandonAll('the connection to the meeting was lost');
    });
  }

  /** The largest file the host relays (it says so when we connect). */
  get maxFileBytes(): number {
    return this.#maxFileBytes;
  }

  /** Every transfer of this meeting, oldest first. */
  get list(): FileTransfer[] {
    return [...this.#transfers.values()];
  }

  get(transferId: string): FileTransfer | undefined {
    return this.#transfers.get(transferId);
  }

  /**
   * Sends `file` to one participant (`to`) or to everyone else. Resolves with the transfer once the
   * host accepted the offer; progress and the outcome come as `transfer` events.
   */
  async send(file: Blob, options: { name?: string; to?: string } = {}): Promise<FileTransfer> {
    const name = (options.name ?? (file instanceof File ? file.name : '') ?? '').trim() || 'file';
    const mimeType = /^[\w.+-]+\/[\w.+-]+$/.test(file.type) ? file.type : '';
    const encryption = this.#deps.encryption?.();
    // End-to-end encrypted: the host gets placeholders and the padded size; the details go sealed.
    const sent = encryption ? paddedSize(file.size) : file.size;
    const size = wireSize(sent, encryption ? SEALED_CHUNK_OVERHEAD : 0);
    if (size > this.#maxFileBytes) throw new ConferenceError('limit_exceeded', `files may be at most ${formatBytes(this.#maxFileBytes)} in this meeting`);
    const transports = this.#deps.transports();
    if (!transports) throw new ConferenceError('not_joined', 'not in a meeting');
    this.#wire(transports.send);
    const from = this.#deps.localId?.() ?? '';
    const meta = encryption ? await encryption.sealFileMeta({ name, size: file.size, mimeType }, { from, to: options.to }) : undefined;
    const { transferId, recipients } = await this.#deps.signaling.request(
      'offerFile',
      meta ? { toPeerId: options.to, name: SEALED_NAME, size, mimeType: '', sealedMeta: meta.sealed } : { toPeerId: options.to, name, size, mimeType },
    );
    const cipher = encryption
      ? await encryption.fileCipher({ transferId, from, to: options.to, size: file.size, nonce: meta?.nonce }).catch((error: unknown) => {
          this.#deps.signaling.request('cancelFile', { transferId }).catch(() => undefined);
          throw error;
        })
      : undefined;
    const record = this.#record({
      id: transferId,
      direction: 'outgoing',
      name,
      size: file.size,
      mimeType: file.type,
      peerId: options.to ?? null,
      private: options.to !== undefined,
      state: 'starting',
      bytes: 0,
      recipients,
      outcomes: {},
      startedAt: Date.now(),
    });
    const sender = new FileSender(record, file, this.#deps.signaling, { cipher, paddedSize: sent, tuning: this.sendTuning });
    this.#senders.set(transferId, sender);
    const closing = sender.channelClosed;
    this.#closing.add(closing);
    void closing.then(() => this.#closing.delete(closing));
    this.#channelsSettled()
      .then(() => sender.run(transports.send))
      .catch((error: unknown) => sender.stop('failed', error instanceof Error ? error.message : String(error)));
    return record.value;
  }

  /** Cancels a transfer: the whole transfer when sending, this participant's part when receiving. */
  cancel(transferId: string): void {
    this.#senders.get(transferId)?.cancel();
    this.#receivers.get(transferId)?.cancel();
  }

  /** Forgets an ended transfer and releases its download URL. */
  dismiss(transferId: string): void {
    const transfer = this.#transfers.get(transferId);
    if (!transfer || (transfer.state !== 'done' && transfer.state !== 'corrupted' && transfer.state !== 'cancelled' && transfer.state !== 'failed')) return;
    if (transfer.url) URL.revokeObjectURL(transfer.url);
    this.#transfers.delete(transferId);
  }

  #onOffer(offer: FileOffer): void {
    const encryption = this.#deps.encryption?.();
    const record = this.#record({
      id: offer.transferId,
      direction: 'incoming',
      // End-to-end encrypted: the real details once opened (or never: "cannot decrypt").
      name: encryption ? 'Encrypted file' : offer.name,
      size: encryption ? 0 : offer.size,
      mimeType: encryption ? '' : offer.mimeType,
      ...(encryption ? { sealed: true } : {}),
      peerId: offer.fromPeerId,
      displayName: offer.displayName,
      private: offer.private,
      state: 'starting',
      bytes: 0,
      startedAt: Date.now(),
    });
    const cipher = encryption ? this.#openOffer(encryption, offer, record) : undefined;
    const receiver = new FileReceiver(record, offer, this.#deps.signaling, cipher);
    this.#receivers.set(offer.transferId, receiver);
    const recv = this.#deps.transports()?.recv;
    if (!recv) return receiver.abandon('not in a meeting');
    receiver.start(recv).catch((error: unknown) => receiver.abandon(error instanceof Error ? error.message : String(error)));
  }

  /** Opens an encrypted offer's details (the record shows them) and makes the cipher for its chunks. */
  async #openOffer(encryption: MediaEncryption, offer: FileOffer, record: TransferRecord): Promise<FileCipher> {
    const to = offer.private ? this.#deps.localId?.() : undefined;
    if (offer.sealedMeta === undefined) throw new ConferenceError('bad_request', 'cannot decrypt: the file’s details came unencrypted');
    const meta = await encryption.openFileMeta(offer.sealedMeta, { from: offer.fromPeerId, to });
    // No encrypted file of this size has that many bytes on the wire: the offer was altered on the way.
    if (wireSize(paddedSize(meta.size), SEALED_CHUNK_OVERHEAD) !== offer.size) throw new ConferenceError('bad_request', 'the offered size is not that of this encrypted file');
    record.update({ name: meta.name, size: meta.size, mimeType: meta.mimeType, sealed: false });
    return encryption.fileCipher({ transferId: offer.transferId, from: offer.fromPeerId, to, size: meta.size, nonce: meta.nonce });
  }

  #record(initial: FileTransfer): TransferRecord {
    this.#transfers.set(initial.id, initial);
    const record = new TransferRecord(initial, (value) => {
      this.#transfers.set(value.id, value);
      if (value.state === 'done' || value.state === 'corrupted' || value.state === 'cancelled' || value.state === 'failed') {
        this.#senders.delete(value.id);
        this.#receivers.delete(value.id);
      }
      this.emit('transfer', value);
    });
    this.emit('transfer', initial);
    return record;
  }

  /**
   * Waits (at most CHANNEL_SETTLE_MS) until the host has closed the data channels of this side's
   * ended transfers. The host resets a channel's SCTP stream once it drained; a reset while this
   * side was already sending a new file on the same association stopped that association for good
   * (wrtc: every later file stalled at 0 bytes), so a new file starts only after the reset.
   */
  async #channelsSettled(): Promise<void> {
    const active = new Set([...this.#senders.values()].filter((sender) => !sender.record.ended).map((sender) => sender.channelClosed));
    const waiting = [...this.#closing].filter((closing) => !active.has(closing));
    if (waiting.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(waiting), new Promise<void>((resolve) => (timer = setTimeout(resolve, CHANNEL_SETTLE_MS)))]);
    clearTimeout(timer);
  }

  /** mediasoup-client asks for a data producer on the host through this transport's `producedata`. */
  #wire(transport: types.Transport): void {
    if (this.#wired.has(transport)) return;
    this.#wired.add(transport);
    transport.on('producedata', ({ sctpStreamParameters, label, protocol, appData }, callback, errback) => {
      this.#deps.signaling
        .request('produceFileData', {
          transportId: transport.id,
          transferId: String(appData.transferId),
          sctpStreamParameters: { streamId: sctpStreamParameters.streamId ?? -1, ordered: true },
          label: label ?? '',
          protocol: protocol ?? '',
        })
        .then(({ dataProducerId }) => callback({ id: dataProducerId }), errback);
    });
  }

  #abandonAll(message: string): void {
    for (const sender of [...this.#senders.values()]) sender.stop('failed', message, true);
    for (const receiver of [...this.#receivers.values()]) receiver.abandon(message);
  }
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} ${units[0]}` : `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}
