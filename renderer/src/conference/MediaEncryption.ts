/**
 * End-to-end encryption of a meeting, as the SDK sees it (implemented by ../e2ee/E2eeSession):
 * every sender and receiver gets an encoded transform the moment mediasoup-client creates it,
 * before the first frame, so nothing leaves this client unencrypted; chat text is sealed before
 * it is sent and opened when it arrives. A Conference with one says so when it joins (`e2ee`),
 * and a meeting marked end-to-end encrypted refuses a Conference without one.
 */
export interface MediaEncryption {
  /** RTCPeerConnection settings both transports need (the legacy encoded streams are asked for there). */
  readonly peerConnectionSettings: Record<string, unknown>;
  /** Our participant id in the session being set up: sender keys are bound to it. */
  setLocalParticipant(participantId: string): void;
  encryptSender(sender: RTCRtpSender, kind: 'audio' | 'video'): void;
  decryptReceiver(receiver: RTCRtpReceiver, kind: 'audio' | 'video', participantId: string): void;
  /** Chat text → ciphertext (base64url), bound to its sender and, for a private message, its recipient. */
  sealChat(text: string, context: ChatContext): Promise<string>;
  /** Ciphertext → text; rejects when it cannot be decrypted with this meeting key. */
  openChat(ciphertext: string, context: ChatContext): Promise<string>;
  /** Seals and opens the chunks of one file transfer with this meeting key. */
  fileCipher(context: FileContext): Promise<FileCipher>;
  /** A file's name, size and type → what the host relays (base64url), bound to its sender and recipient, and the nonce its chunks are bound to. */
  sealFileMeta(meta: Omit<FileMeta, 'nonce'>, context: ChatContext): Promise<{ sealed: string; nonce: string }>;
  /** What the host relayed → the file's details; rejects when they cannot be decrypted or are not valid. */
  openFileMeta(sealed: string, context: ChatContext): Promise<FileMeta>;
}

/** What an end-to-end encrypted file's offer hides from the host. */
export interface FileMeta {
  name: string;
  size: number;
  mimeType: string;
  /** Random, per transfer: its chunks are bound to it (FileContext.nonce). */
  nonce: string;
}

/** What a file's chunks are bound to: the transfer, its sender, its one recipient (none: everyone), its size. */
export interface FileContext {
  transferId: string;
  from: string;
  to?: string;
  /** The file's size (not what goes over the wire). */
  size: number;
  /** The nonce of its sealed details (FileMeta.nonce). */
  nonce?: string;
}

/** Every sealed file chunk is this much longer than the chunk: a 96-bit IV and a 128-bit AES-GCM tag. */
export const SEALED_CHUNK_OVERHEAD = 28;

/** One transfer's chunk encryption (see ../e2ee/fileCrypto). */
export interface FileCipher {
  /** The `index`th chunk → what is sent. */
  seal(chunk: ArrayBuffer, index: number): Promise<ArrayBuffer>;
  /** What arrived as the `index`th chunk → the chunk; rejects when it cannot be decrypted or was altered. */
  open(wire: ArrayBuffer, index: number): Promise<ArrayBuffer>;
  /** The file's SHA-256 (hex) keyed with the meeting key, as relayed by the host (hex, same length). */
  digest(sha256Hex: string): Promise<string>;
}

/** Who sent a chat message (participant id) and, for a private one, to whom. */
export interface ChatContext {
  from: string;
  to?: string;
}
