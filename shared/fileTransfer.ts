/**
 * File transfer and private messages: the schemas shared/protocol.ts adds to its requests and
 * notifications. Files go peer → SFU → peer over SCTP data channels, one data producer per
 * transfer, consumed only on the recipients' transports; signaling carries the offer, the
 * recipients' acknowledgements (end-to-end flow control: the SFU drops what its send buffer
 * cannot hold), the SHA-256 and the outcome. Nothing is stored on the host.
 */
import { z } from 'zod';
import { limits } from './limits';
import { hasBidiControls } from './text';
import { ChatCiphertext, SealedFileMeta } from './e2ee';

const id = z.string().min(1).max(128);

/** Every file's name is shown to others and offered as a download name: no control, direction or path characters. */
export const FileName = z
  .string()
  .trim()
  .min(1, 'file name is required')
  .max(limits.maxFileNameLength)
  .refine((name) => !/[\p{Cc}/\\]/u.test(name) && !hasBidiControls(name), 'file name contains control, direction or path characters');

export const MimeType = z
  .string()
  .max(255)
  .regex(/^$|^[\w.+-]+\/[\w.+-]+$/, 'not a MIME type');

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'not a hex SHA-256');

/** Only reliable, ordered streams: the receiver writes chunks in arrival order. */
export const SctpStreamParameters = z.object({
  streamId: z.number().int().min(0).max(65534),
  ordered: z.literal(true).optional(),
  maxPacketLifeTime: z.undefined().optional(),
  maxRetransmits: z.undefined().optional(),
});

export const PrivateMessage = z.object({
  id,
  peerId: id,
  displayName: z.string(),
  toPeerId: id,
  toDisplayName: z.string(),
  text: z.string(),
  sentAt: z.number(),
  /** End-to-end encrypted meeting: the message itself (see ChatMessage). */
  ciphertext: z.string().optional(),
});
export type PrivateMessage = z.infer<typeof PrivateMessage>;

export const fileRequests = {
  /**
   * Sender: announce a file to one participant (`toPeerId`) or everyone else; the host checks the cap.
   * End-to-end encrypted meeting: `name` and `mimeType` are placeholders, `size` is the padded wire
   * size, and the real ones travel in `sealedMeta` (renderer/src/e2ee/fileMeta.ts).
   */
  offerFile: {
    request: z.object({
      toPeerId: id.optional(),
      name: FileName,
      size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      mimeType: MimeType,
      sealedMeta: SealedFileMeta.optional(),
    }),
    response: z.object({ transferId: id, recipients: z.number().int() }),
  },
  /** Sender: the data producer of an offered transfer (mediasoup-client `producedata`). */
  produceFileData: {
    request: z.object({
      transportId: id,
      transferId: id,
      sctpStreamParameters: SctpStreamParameters,
      label: z.string().max(64),
      protocol: z.string().max(64),
    }),
    response: z.object({ dataProducerId: id }),
  },
  /** Recipient: bytes received so far (0 = ready to receive). The sender may run ahead by a window. */
  fileAck: {
    request: z.object({ transferId: id, received: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
    response: z.object({}),
  },
  /** Sender: every byte is written; the SHA-256 of the whole file, relayed to the recipients. */
  fileSent: { request: z.object({ transferId: id, sha256: Sha256Hex }), response: z.object({}) },
  /** Recipient: the file arrived whole (hash matched) or corrupted. */
  fileResult: { request: z.object({ transferId: id, outcome: z.enum(['received', 'corrupted']) }), response: z.object({}) },
  /** Either side: the sender ends the whole transfer, a recipient its own part of it. */
  cancelFile: { request: z.object({ transferId: id }), response: z.object({}) },
  /** Sender, after the transfer ended: nothing of it is queued on this side any more; the host may close its data channel. */
  fileDrained: { request: z.object({ transferId: id }), response: z.object({}) },
  /** A chat message for one participant only: relayed, never kept in the room's history. */
  sendPrivateChat: {
    request: z.object({ toPeerId: id, text: z.string().trim().min(1).max(limits.maxChatMessageLength), ciphertext: ChatCiphertext.optional() }),
    response: z.object({ message: PrivateMessage }),
  },
} as const;

export const RecipientOutcome = z.enum(['received', 'corrupted', 'cancelled', 'left', 'failed']);
export type RecipientOutcome = z.infer<typeof RecipientOutcome>;

/**
 * Why a transfer ended: `done` (every recipient has an outcome), `cancelled` (by its sender),
 * `sender_left`, `oversize` (the sender sent more than it declared), `timeout` (never started).
 */
export const TransferEndReason = z.enum(['done', 'cancelled', 'sender_left', 'oversize', 'timeout']);
export type TransferEndReason = z.infer<typeof TransferEndReason>;

export const FileOffer = z.object({
  transferId: id,
  fromPeerId: id,
  displayName: z.string(),
  name: z.string(),
  size: z.number(),
  mimeType: z.string(),
  /** Sent to this participant only (not to everyone). */
  private: z.boolean(),
  /** End-to-end encrypted meeting: the file's real name, size and type, sealed by its sender (relayed as is). */
  sealedMeta: z.string().optional(),
  dataConsumer: z.object({
    id,
    dataProducerId: id,
    sctpStreamParameters: z.looseObject({ streamId: z.number() }),
    label: z.string(),
    protocol: z.string(),
  }),
});
export type FileOffer = z.infer<typeof FileOffer>;

export const fileNotifications = {
  /** Recipient: a file is coming; its data consumer already exists on the host. */
  fileOffered: FileOffer,
  /** Sender: every remaining recipient is ready and has received at least `delivered` bytes. */
  fileProgress: z.object({ transferId: id, delivered: z.number(), recipients: z.number() }),
  /** Recipient: the sender's SHA-256 of the whole file. */
  fileHash: z.object({ transferId: id, sha256: Sha256Hex }),
  /** Sender: one recipient's part of the transfer ended. */
  fileRecipientEnded: z.object({ transferId: id, peerId: id, outcome: RecipientOutcome }),
  /** Both sides: the transfer is over (the host closed its data producer and consumers). */
  fileEnded: z.object({ transferId: id, reason: TransferEndReason }),
  privateMessage: PrivateMessage,
} as const;
