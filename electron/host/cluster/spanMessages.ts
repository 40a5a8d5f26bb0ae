import { z } from 'zod';
import { FileOffer, PrivateMessage, Sha256Hex, TransferEndReason } from '../../../shared/fileTransfer';
import { MediaKind, MediaSource, PeerInfo, ProducerInfo, WaitingEntry, WaitingList, type NotificationName } from '../../../shared/protocol';
import { ErrorCode } from '../../../shared/protocolErrors';

const id = z.string().min(1).max(128);
const roomId = z.string().min(1).max(256);

/** What nodes serving one meeting publish on its room channel. */
export const SpanMessage = z.discriminatedUnion('t', [
  /** The sender serves the room now: everyone answers with its roster. */
  z.object({ t: z.literal('hello') }),
  /** The sender's own participants (sent on hello and periodically: pub/sub may lose a message). */
  z.object({
    t: z.literal('roster'),
    peers: z.array(PeerInfo).max(1_000),
    /** Each participant's resume-token digest (SpanResume): any node can then resume it, should its node go. */
    tokens: z.record(id, z.string().regex(/^[0-9a-f]{64}$/)).optional(),
    /** The revision of the meeting's admission settings the sender applied (MeetingSettings): a node behind reloads them. */
    settings: z.number().int().nonnegative().optional(),
    /** From the meeting's home: who is host (SpanHost), so a node that missed a `host` message converges. */
    host: id.nullable().optional(),
  }),
  /** From the meeting's home: the host is now this participant, wherever it is served (null: nobody). */
  z.object({ t: z.literal('host'), peerId: id.nullable() }),
  /** From the meeting's home, for the host served by another node: a knock, or the waiting list, of the home's waiting room. */
  z.object({ t: z.literal('toHost'), peerId: id, knock: WaitingEntry.optional(), list: WaitingList.optional() }),
  /** The meeting's admission settings changed on the sender (written to Redis as revision `rev`). */
  z.object({ t: z.literal('settings'), rev: z.number().int().positive() }),
  /** A room broadcast on the sender's node, for the participants here (see RoomSpan's RELAYED). */
  z.object({ t: z.literal('event'), name: z.string().max(64), data: z.unknown(), except: id.optional() }),
  /** One of the sender's participants started sending. */
  z.object({ t: z.literal('producer'), peerId: id, producer: ProducerInfo }),
  /** The sender no longer serves the room (it closed there). */
  z.object({ t: z.literal('bye') }),
]);
export type SpanMessage = z.infer<typeof SpanMessage>;

/** One end of a PipeTransport pair: where it listens and its SRTP keys. */
export const PipeEnd = z.object({
  ip: z.string().min(1).max(64),
  port: z.number().int().min(1).max(65_535),
  srtpParameters: z.object({ cryptoSuite: z.enum(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']), keyBase64: z.string().min(1).max(200) }),
});
export type PipeEnd = z.infer<typeof PipeEnd>;

/** Requests between nodes (on the addressee's node channel), with their answers. */
export const spanRequests = {
  /** May a participant join the meeting through a node that is not its home? (home answers) */
  admit: {
    args: z.object({ roomId }),
    /** `waitingMaxMs`: closed only by the waiting room, so the asker may knock (with that wait) instead of sending the join to the home. */
    answer: z.object({ open: z.boolean(), waitingMaxMs: z.number().int().positive().optional() }),
  },
  /** Wait in the home's waiting room for the host's decision (answered when it is made). */
  knock: {
    args: z.object({ roomId, knockId: id, displayName: z.string().max(200), address: z.string().max(200) }),
    answer: z.object({ admitted: z.boolean(), code: ErrorCode.optional(), message: z.string().max(500).optional() }),
  },
  /** The knocker's connection closed: its knock leaves the home's waiting room. */
  unknock: { args: z.object({ roomId, knockId: id }), answer: z.object({}) },
  /** The asker opened its receiving end; the addressee opens its sending end towards it. */
  pipeOpen: { args: z.object({ roomId, end: PipeEnd }), answer: PipeEnd },
  /** Send this producer down the pipe: answers what the receiving end needs to produce it. */
  pipeProducer: {
    args: z.object({ roomId, producerId: id }),
    answer: z.object({ kind: MediaKind, rtpParameters: z.record(z.string(), z.unknown()), paused: z.boolean(), peerId: id, source: MediaSource }),
  },
  /** The asker forwards this producer piped from the addressee to nobody now (`flowing` false), or to someone again: stop or resume sending it. */
  pipeDemand: { args: z.object({ roomId, producerId: id, flowing: z.boolean() }), answer: z.object({}) },
  /** Send this data producer (a file transfer's) down the pipe: answers what the receiving end needs to produce it. */
  pipeDataProducer: {
    args: z.object({ roomId, dataProducerId: id }),
    answer: z.object({ sctpStreamParameters: z.looseObject({ streamId: z.number().int().min(0).max(65_534) }), label: z.string().max(512), protocol: z.string().max(512) }),
  },
  /** A file for a participant the addressee serves (SpanFiles): pipe its data producer in, consume it for the recipient and offer it there. */
  fileOffer: { args: z.object({ roomId, peerId: id, offer: FileOffer.omit({ dataConsumer: true }), dataProducerId: id }), answer: z.object({}) },
  /** The sender's node, about one recipient of a transfer it relays: the file's hash, the transfer's end, or its consumer closed (`close`). */
  fileToRecipient: {
    args: z.object({ roomId, transferId: id, peerId: id, sha256: Sha256Hex.optional(), ended: TransferEndReason.optional(), close: z.boolean().optional() }),
    answer: z.object({}),
  },
  /** The recipient's node, for the sender's node: what the recipient said or did. */
  fileFromRecipient: {
    args: z.object({
      roomId,
      transferId: id,
      peerId: id,
      event: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('ack'), received: z.number().int().nonnegative() }),
        z.object({ kind: z.literal('result'), outcome: z.enum(['received', 'corrupted']) }),
        z.object({ kind: z.literal('cancel') }),
        z.object({ kind: z.literal('left') }),
      ]),
    }),
    answer: z.object({}),
  },
  /** A host control for a participant the addressee serves (the asker checked the host role). */
  command: { args: z.object({ roomId, action: z.enum(['mute', 'remove']), peerId: id, by: z.object({ id, displayName: z.string().max(200) }) }), answer: z.object({}) },
  /** The host, served by the asker, decides about the home's waiting room (the addressee checks `by` is host and served there). */
  hostDecide: {
    args: z.object({ roomId, action: z.enum(['admit', 'deny', 'admitAll']), waitingId: id.optional(), by: id }),
    answer: z.object({ admitted: z.number().int().nonnegative(), code: ErrorCode.optional(), message: z.string().max(500).optional() }),
  },
  /** A private chat message for a participant the addressee serves (never kept in chat history). */
  privateMessage: { args: z.object({ roomId, message: PrivateMessage }), answer: z.object({}) },
} as const;
export type SpanOp = keyof typeof spanRequests;
export type SpanArgs<O extends SpanOp> = z.infer<(typeof spanRequests)[O]['args']>;
export type RecipientEvent = SpanArgs<'fileFromRecipient'>['event'];
export type SpanAnswer<O extends SpanOp> = z.infer<(typeof spanRequests)[O]['answer']>;

/** Room broadcasts that concern the participants on other nodes. Not `activeSpeaker`: every node observes every mic itself. */
export const RELAYED = new Set<NotificationName>([
  'peerJoined',
  'peerLeft',
  'peerUpdated',
  'producerPaused',
  'producerResumed',
  'producerClosed',
  'chatMessage',
  'handRaised',
  'reaction',
  'roomLocked',
  'recordingChanged',
  'recordingAllowed',
  'peerMuted',
  'waitingRoomChanged',
]);
