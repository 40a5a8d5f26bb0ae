import { EventEmitter } from 'eventemitter3';
import type { ChatContext, FileCipher, FileContext, FileMeta, MediaEncryption } from '../conference/MediaEncryption';
import { openChatText, sealChatText } from './chatCrypto';
import { deriveFileKeys, fileCipher, type FileKeys } from './fileCrypto';
import { newFileNonce, openFileMeta, sealFileMeta } from './fileMeta';
import { deriveChatKey, deriveMeetingKey, normalizeMeetingKey, PASSPHRASE_ITERATIONS, verificationCode } from './keys';
import type { FromWorker, ToWorker, TransformOptions } from './protocol';
import { detectTransformApi, peerConnectionSettingsFor, type TransformApi } from './transformSupport';

export class E2eeUnsupportedError extends Error {
  override readonly name = 'E2eeUnsupportedError';
  constructor() {
    super('This browser cannot encrypt media end to end (no encoded transforms); use a current Chrome, Edge, Safari or Firefox, or the desktop app.');
  }
}

/** The SDK object this session plugs into (Conference). */
export interface EncryptableConference {
  mediaEncryption: MediaEncryption | undefined;
  on(event: 'connectionStateChanged', listener: (change: { state: string }) => void): unknown;
  off(event: 'connectionStateChanged', listener: (change: { state: string }) => void): unknown;
}

type ScriptTransformConstructor = new (worker: Worker, options: TransformOptions) => unknown;
type WithTransform = { transform: unknown };
type WithEncodedStreams = { createEncodedStreams(): { readable: ReadableStream; writable: WritableStream } };

/** A key derivation that takes longer than this shows "Deriving key…" (a link key never does). */
export const SLOW_DERIVATION_MS = 200;

export interface E2eeSessionOptions {
  api?: TransformApi;
  createWorker?: () => Worker;
  /** PBKDF2 rounds for a typed passphrase (tests use fewer). */
  passphraseIterations?: number;
}

function createWorker(): Worker {
  return new Worker(new URL('./e2ee.worker.ts', import.meta.url), { type: 'module', name: 'roundtable-e2ee' });
}

/**
 * One meeting's end-to-end encryption, from the page's side: the meeting key (never sent to the
 * host), its verification code, the worker that encrypts and decrypts frames, and which remote
 * participants cannot be decrypted with our key. Plugs into a Conference as its MediaEncryption.
 */
export class E2eeSession extends EventEmitter<{ change: [] }> implements MediaEncryption {
  readonly api: TransformApi;
  readonly peerConnectionSettings: Record<string, unknown>;
  readonly meetingId: string;
  #key: string;
  #epoch = 0;
  #meetingKey: Promise<CryptoKey>;
  #chatKey: Promise<CryptoKey>;
  /** Derived on the first file (a transfer keeps the keys it started with across a key change). */
  #fileKeys?: Promise<FileKeys>;
  #deriving = false;
  /** Counts key loads: only the newest one's results count. */
  #loads = 0;
  readonly #iterations: number;
  /** The current key once imported: posted to the worker now and to any worker started later. */
  #loaded?: { meetingKey: CryptoKey; epoch: number };
  #code?: string;
  #localId = '';
  #worker?: Worker;
  #workerFailed = false;
  #transforms = 0;
  /** participant id → transform id → last state reported by the worker. */
  readonly #states = new Map<string, Map<string, 'ok' | 'failing'>>();
  readonly #createWorker: () => Worker;

  /** `meetingId`: the room id, which salts a typed passphrase (every participant has it from the link). */
  constructor(meetingKey: string, meetingId: string, options: E2eeSessionOptions = {}) {
    super();
    this.meetingId = meetingId;
    this.#iterations = options.passphraseIterations ?? PASSPHRASE_ITERATIONS;
    this.api = options.api ?? detectTransformApi();
    // WebCrypto exists only in secure contexts (https, or http on loopback).
    if (this.api === 'none' || typeof globalThis.crypto?.subtle?.importKey !== 'function') throw new E2eeUnsupportedError();
    this.peerConnectionSettings = peerConnectionSettingsFor(this.api);
    this.#createWorker = options.createWorker ?? createWorker;
    this.#key = normalizeMeetingKey(meetingKey);
    this.#meetingKey = this.#load(this.#key);
    this.#chatKey = this.#meetingKey.then(deriveChatKey);
    this.#chatKey.catch(() => undefined);
  }

  /** The meeting key (for the invite link's fragment). */
  get key(): string {
    return this.#key;
  }

  /** The code to compare aloud; undefined until computed (a `change` event follows). */
  get verificationCode(): string | undefined {
    return this.#code;
  }

  /** A typed passphrase has been stretching for more than SLOW_DERIVATION_MS (a `change` event says when it starts and ends). */
  get deriving(): boolean {
    return this.#deriving;
  }

  /** Settles once the current key is derived (rejects with its MeetingKeyError or WebCrypto failure). */
  get ready(): Promise<void> {
    return this.#meetingKey.then(() => undefined);
  }

  /** The worker or the key could not be set up: nothing can be sent or received. */
  get failed(): boolean {
    return this.#workerFailed;
  }

  /** True while some stream of this participant fails to decrypt with our key. */
  cannotDecrypt(participantId: string): boolean {
    return [...(this.#states.get(participantId)?.values() ?? [])].includes('failing');
  }

  /** Switches to another meeting key (typed by the user): new sender keys, new key frames. */
  async setKey(meetingKey: string): Promise<void> {
    this.#key = normalizeMeetingKey(meetingKey);
    this.#epoch = (this.#epoch + 1) % 256;
    this.#code = undefined;
    this.#loaded = undefined;
    this.#meetingKey = this.#load(this.#key);
    this.#chatKey = this.#meetingKey.then(deriveChatKey);
    this.#chatKey.catch(() => undefined);
    this.#fileKeys = undefined;
    this.emit('change');
    await this.#meetingKey;
  }

  #load(key: string): Promise<CryptoKey> {
    const load = ++this.#loads;
    const current = () => load === this.#loads;
    const loaded = deriveMeetingKey(key, this.meetingId, this.#iterations);
    const epoch = this.#epoch;
    let done = false;
    const slow = setTimeout(() => {
      if (done || !current()) return;
      this.#deriving = true;
      this.emit('change');
    }, SLOW_DERIVATION_MS);
    const failed = () => {
      if (!current()) return;
      this.#workerFailed = true;
      this.emit('change');
    };
    const settled = () => {
      done = true;
      clearTimeout(slow);
      if (!current() || !this.#deriving) return;
      this.#deriving = false;
      this.emit('change');
    };
    loaded.then(settled, settled);
    loaded.then((meetingKey) => {
      if (!current()) return;
      this.#loaded = { meetingKey, epoch };
      this.#post({ type: 'key', meetingKey, epoch });
    }, failed);
    loaded.then(verificationCode).then((code) => {
      if (!current()) return;
      this.#code = code;
      this.emit('change');
    }, failed);
    return loaded;
  }

  /** Makes `conference` encrypt its media with this session; the worker stops when the meeting ends. */
  attach(conference: EncryptableConference): () => void {
    conference.mediaEncryption = this;
    const onState = ({ state }: { state: string }) => {
      if (state === 'disconnected') this.#stopWorker();
    };
    conference.on('connectionStateChanged', onState);
    return () => {
      conference.off('connectionStateChanged', onState);
      if (conference.mediaEncryption === this) conference.mediaEncryption = undefined;
      this.#stopWorker();
    };
  }

  // --- MediaEncryption ---------------------------------------------------------------------

  async sealChat(text: string, context: ChatContext): Promise<string> {
    return sealChatText(await this.#chatKey, text, context);
  }

  async openChat(ciphertext: string, context: ChatContext): Promise<string> {
    return openChatText(await this.#chatKey, ciphertext, context);
  }

  async fileCipher(context: FileContext): Promise<FileCipher> {
    return fileCipher(await this.#currentFileKeys(), context);
  }

  async sealFileMeta(meta: Omit<FileMeta, 'nonce'>, context: ChatContext): Promise<{ sealed: string; nonce: string }> {
    const nonce = newFileNonce();
    return { sealed: await sealFileMeta((await this.#currentFileKeys()).meta, { ...meta, nonce }, context), nonce };
  }

  async openFileMeta(sealed: string, context: ChatContext): Promise<FileMeta> {
    return openFileMeta((await this.#currentFileKeys()).meta, sealed, context);
  }

  #currentFileKeys(): Promise<FileKeys> {
    this.#fileKeys ??= this.#meetingKey.then(deriveFileKeys);
    return this.#fileKeys;
  }

  setLocalParticipant(participantId: string): void {
    this.#localId = participantId;
  }

  encryptSender(sender: RTCRtpSender, kind: 'audio' | 'video'): void {
    this.#attach(sender, { operation: 'encrypt', kind, participantId: this.#localId, transformId: this.#nextId() });
  }

  decryptReceiver(receiver: RTCRtpReceiver, kind: 'audio' | 'video', participantId: string): void {
    this.#attach(receiver, { operation: 'decrypt', kind, participantId, transformId: this.#nextId() });
  }

  #nextId(): string {
    return `t${++this.#transforms}`;
  }

  #attach(endpoint: RTCRtpSender | RTCRtpReceiver, options: TransformOptions): void {
    const worker = this.#ensureWorker();
    if (this.api === 'script-transform') {
      const ScriptTransform = (globalThis as unknown as { RTCRtpScriptTransform: ScriptTransformConstructor }).RTCRtpScriptTransform;
      (endpoint as unknown as WithTransform).transform = new ScriptTransform(worker, options);
    } else {
      const { readable, writable } = (endpoint as unknown as WithEncodedStreams).createEncodedStreams();
      this.#post({ type: 'streams', options, readable, writable }, [readable, writable]);
    }
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = this.#createWorker();
    this.#worker = worker;
    worker.onmessage = ({ data }: MessageEvent<FromWorker>) => this.#onWorkerMessage(data);
    worker.onerror = () => {
      this.#workerFailed = true;
      this.emit('change');
    };
    if (this.#loaded) this.#post({ type: 'key', ...this.#loaded });
    return worker;
  }

  #post(message: ToWorker, transfer: Transferable[] = []): void {
    this.#worker?.postMessage(message, transfer);
  }

  #onWorkerMessage(message: FromWorker): void {
    const { participantId, transformId } = message;
    let states = this.#states.get(participantId);
    const before = this.cannotDecrypt(participantId);
    if (message.type === 'decryptState') {
      if (!states) this.#states.set(participantId, (states = new Map<string, 'ok' | 'failing'>()));
      states.set(transformId, message.state);
    } else {
      states?.delete(transformId);
      if (states?.size === 0) this.#states.delete(participantId);
    }
    if (this.cannotDecrypt(participantId) !== before) this.emit('change');
  }

  #stopWorker(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    if (this.#states.size > 0) {
      this.#states.clear();
      this.emit('change');
    }
  }
}
