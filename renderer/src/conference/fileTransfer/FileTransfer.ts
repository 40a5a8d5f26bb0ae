import type { RecipientOutcome } from '../../../../shared/fileTransfer';

export type FileTransferState =
  /** Offered; waiting for the data channel and for the recipients to be ready. */
  | 'starting'
  | 'transferring'
  /** Every byte is here; waiting for the sender's SHA-256. */
  | 'verifying'
  | 'done'
  /** The bytes that arrived do not match the sender's SHA-256 (or there were more than declared). */
  | 'corrupted'
  | 'cancelled'
  | 'failed';

/** One file sent or received, as the UI shows it. Replaced (not mutated) on every change. */
export interface FileTransfer {
  readonly id: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly name: string;
  readonly size: number;
  readonly mimeType: string;
  /** Incoming: the sender. Outgoing: the one recipient, or null when sent to everyone. */
  readonly peerId: string | null;
  /** Incoming, end-to-end encrypted: the file's name, size and type are not decrypted (yet, or ever: "cannot decrypt"). */
  readonly sealed?: boolean;
  /** Incoming: the sender's name. */
  readonly displayName?: string;
  /** Sent to one participant only. */
  readonly private: boolean;
  readonly state: FileTransferState;
  /** Outgoing: bytes every remaining recipient has acknowledged. Incoming: bytes received. */
  readonly bytes: number;
  /** Outgoing: recipients still receiving. */
  readonly recipients?: number;
  /** Outgoing: how each recipient's part ended so far. */
  readonly outcomes?: Partial<Record<RecipientOutcome, number>>;
  /** Incoming, once done: the file as a Blob URL to download. */
  readonly url?: string;
  /** The sender's SHA-256 (hex) once known. */
  readonly sha256?: string;
  /** Why it was cancelled, corrupted or failed, in words. */
  readonly message?: string;
  readonly startedAt: number;
}

export const ENDED_STATES: ReadonlySet<FileTransferState> = new Set(['done', 'corrupted', 'cancelled', 'failed']);

export function isActive(transfer: FileTransfer): boolean {
  return !ENDED_STATES.has(transfer.state);
}

/** Holds one transfer's current snapshot and tells its owner about changes, progress at most every `progressMs`. */
export class TransferRecord {
  #value: FileTransfer;
  #lastEmit = 0;
  readonly #emit: (transfer: FileTransfer) => void;
  readonly #progressMs: number;

  constructor(initial: FileTransfer, emit: (transfer: FileTransfer) => void, progressMs = 100) {
    this.#value = initial;
    this.#emit = emit;
    this.#progressMs = progressMs;
  }

  get value(): FileTransfer {
    return this.#value;
  }

  get ended(): boolean {
    return !isActive(this.#value);
  }

  /** Applies a change; bytes-only changes are announced at most every `progressMs` (the final byte always). */
  update(change: Partial<FileTransfer>): void {
    if (this.ended) return;
    const before = this.#value;
    this.#value = { ...before, ...change };
    const progressOnly = Object.keys(change).every((key) => key === 'bytes' || key === 'recipients');
    const now = Date.now();
    if (progressOnly && this.#value.bytes !== this.#value.size && now - this.#lastEmit < this.#progressMs) return;
    this.#lastEmit = now;
    this.#emit(this.#value);
  }
}
