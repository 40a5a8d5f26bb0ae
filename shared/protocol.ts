/**
 * The signaling contract between the host (electron/host/signaling) and the client SDK
 * (renderer/src/conference). Every request, response and notification is a zod schema here;
 * both ends import the inferred types, and the host validates every payload it receives.
 *
 * Transport: socket.io. A request is `socket.emit(name, payload, ack)`; the ack carries an
 * {@link Ack}. Notifications are plain server → client events. `newConsumers` (and, for clients
 * that do not take batches, `newConsumer`) is the one server → client request: the client acks once
 * its Consumers exist, then the host resumes them.
 */
import { z } from 'zod';
import { allowedReactions, limits } from './limits';
import { unsafeNameMessages, unsafeNameReason } from './text';
import { fileNotifications, fileRequests } from './fileTransfer';
import { ChatCiphertext } from './e2ee';

export * from './protocolErrors';
import type { Ack } from './protocolErrors';

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const id = z.string().min(1).max(128);
export const RoomId = z
  .string()
  .trim()
  .min(1)
  .max(limits.maxRoomIdLength)
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'room id may contain letters, digits, "-", "_" and "."');
export const DisplayName = z
  .string()
  .trim()
  .min(1, 'display name is required')
  .max(limits.maxDisplayNameLength)
  .superRefine((name, ctx) => {
    const reason = unsafeNameReason(name);
    if (reason) ctx.addIssue({ code: 'custom', message: unsafeNameMessages[reason] });
  });

export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;

export const MediaSource = z.enum(['mic', 'camera', 'screen', 'screen-audio']);
export type MediaSource = z.infer<typeof MediaSource>;

/**
 * mediasoup's RTP/DTLS/ICE structures are checked for shape here and for meaning by mediasoup
 * itself (which throws TypeError on nonsense; the host maps that to `bad_request`).
 */
const looseObject = z.record(z.string(), z.unknown());
export const RtpCapabilities = z.looseObject({
  codecs: z.array(looseObject).max(64).optional(),
  headerExtensions: z.array(looseObject).max(64).optional(),
});
export const RtpParameters = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(looseObject).min(1).max(16),
  headerExtensions: z.array(looseObject).max(32).optional(),
  encodings: z.array(looseObject).max(8).optional(),
  rtcp: looseObject.optional(),
});
export const DtlsParameters = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.string().max(32), value: z.string().max(256) }))
    .min(1)
    .max(8),
});
export const IceParameters = z.object({
  usernameFragment: z.string(),
  password: z.string(),
  iceLite: z.boolean().optional(),
});

export const TransportOptions = z.object({
  id,
  iceParameters: IceParameters,
  iceCandidates: z.array(looseObject),
  dtlsParameters: looseObject,
  sctpParameters: looseObject.optional(),
});
export type TransportOptions = z.infer<typeof TransportOptions>;

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const ProducerInfo = z.object({
  id,
  kind: MediaKind,
  source: MediaSource,
  paused: z.boolean(),
});
export type ProducerInfo = z.infer<typeof ProducerInfo>;

export const PeerInfo = z.object({
  id,
  displayName: z.string(),
  isHost: z.boolean(),
  handRaised: z.boolean(),
  producers: z.array(ProducerInfo),
  /** Recording the meeting locally (everyone sees an indicator). */
  recording: z.boolean().optional(),
  /** Its connection dropped; the host keeps it listed until it resumes or its resume window lapses. */
  reconnecting: z.boolean().optional(),
});
export type PeerInfo = z.infer<typeof PeerInfo>;

export const ChatMessage = z.object({
  id,
  peerId: id,
  displayName: z.string(),
  text: z.string(),
  sentAt: z.number(),
  /** End-to-end encrypted meeting: the message itself (`text` is then a placeholder). */
  ciphertext: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const Reaction = z.enum(allowedReactions);

/** Someone in the waiting room, as the host sees them (the name passed the DisplayName rules). */
export const WaitingEntry = z.object({ id, displayName: z.string(), since: z.number() });
export type WaitingEntry = z.infer<typeof WaitingEntry>;

/** The whole waiting list; `version` grows with every change, so an older copy never replaces a newer one. */
export const WaitingList = z.object({ version: z.number().int(), entries: z.array(WaitingEntry) });
export type WaitingList = z.infer<typeof WaitingList>;

/** A consumer the host created for the client (in the join answer, or announced by `newConsumer`). */
export const NewConsumer = z.object({
  consumerId: id,
  producerId: id,
  peerId: id,
  kind: MediaKind,
  source: MediaSource,
  rtpParameters: RtpParameters,
  producerPaused: z.boolean(),
  /** In an offer: the host closes the consumer if the client fails to take it this time (the client reports it). */
  lastOffer: z.boolean().optional(),
});
export type NewConsumer = z.infer<typeof NewConsumer>;

/** The client's answer for one consumer of a `newConsumers` batch. */
/** The client's answer per offered consumer. `renew`: a consume of it failed after its media section was added there (the same mid again would repeat): offer a new consumer of the producer. */
export const ConsumerTakeResult = z.object({ consumerId: id, ok: z.boolean(), error: z.string().max(500).optional(), renew: z.boolean().optional() });
export type ConsumerTakeResult = z.infer<typeof ConsumerTakeResult>;

// ---------------------------------------------------------------------------------------------
// Requests: client → host. `request` validates the payload, `response` documents the ack data.
// ---------------------------------------------------------------------------------------------

export const requests = {
  join: {
    request: z.object({
      roomId: RoomId,
      displayName: DisplayName,
      passcode: z.string().max(limits.maxPasscodeLength).optional(),
      /** The device's capabilities, loaded from the `welcome` notification's router caps. */
      rtpCapabilities: RtpCapabilities,
      /** Given back by an earlier join: rejoin as the same participant (after a drop or a worker loss). */
      resumeToken: z.string().max(256).optional(),
      /** The desktop app hosting this meeting passes its owner key: its user is the host. */
      ownerKey: z.string().max(256).optional(),
      /** The client takes consumer offers in batches (`newConsumers`); without it, one `newConsumer` each. */
      consumerBatches: z.boolean().optional(),
      /** The client encrypts end to end; with the owner key it also marks the meeting so (room/E2eeFlag.ts). */
      e2ee: z.boolean().optional(),
      /** The client takes consumer scores in batches (`consumerScores`); without it, one `consumerScore` each. */
      scoreBatches: z.boolean().optional(),
      /** Take over the transports this connection prepared in the lobby (`prepareTransports`), if still usable. */
      usePrepared: z.boolean().optional(),
    }),
    response: z.object({
      peerId: id,
      roomId: z.string(),
      isHost: z.boolean(),
      resumeToken: z.string(),
      routerRtpCapabilities: RtpCapabilities,
      sendTransport: TransportOptions,
      recvTransport: TransportOptions,
      peers: z.array(PeerInfo),
      /** Consumers for every producer already in the room, already resumed (unless `consumersHeld`): consume them, then connect. */
      consumers: z.array(NewConsumer),
      chatHistory: z.array(ChatMessage),
      locked: z.boolean(),
      iceServers: z.array(IceServer),
      /** Participants other than the host may record. */
      recordingAllowed: z.boolean().optional(),
      /** Clustered hosts: every live node's URL, to reconnect to another one if this one fails. */
      clusterNodes: z.array(z.string()).optional(),
      /** How long after a drop the host keeps this participant's media session for a `resume` (0: it does not). */
      resumeGraceMs: z.number().int().min(0).optional(),
      /** Arrivals wait until the host lets them in. */
      waitingRoom: z.boolean().optional(),
      /** For the host: who is waiting now. */
      waitingList: WaitingList.optional(),
      /** The meeting is end-to-end encrypted (its owner marked it): media and chat only with the meeting key. */
      e2ee: z.boolean().optional(),
      /**
       * The join took the transports `prepareTransports` made, already connected: `consumers` are held
       * (paused) until the client says it took them (`consumersTaken`), so no RTP comes before its SDP.
       */
      consumersHeld: z.boolean().optional(),
    }),
  },
  /**
   * In the lobby, before `join`: the host creates this connection's two transports on the meeting's
   * router now, so the client can connect them (ICE, DTLS) before the user presses Join; `join` then
   * takes them over. `null` when there is nothing to prepare on (no such meeting here yet). One pair
   * per connection: a new request replaces the previous pair. Nothing can be sent or received on
   * them before the join is let in.
   */
  prepareTransports: {
    request: z.object({ roomId: RoomId }),
    response: z.object({
      prepared: z.object({ sendTransport: TransportOptions, recvTransport: TransportOptions, iceServers: z.array(IceServer) }).nullable(),
    }),
  },
  /** The client took these held join-answer consumers (`consumersHeld`): they may forward now. */
  consumersTaken: { request: z.object({ consumerIds: z.array(id).min(1).max(limits.maxConsumersPerOffer) }), response: z.object({}) },
  /** `rejoining`: the client leaves only to rejoin at once (to repair its media): it stays listed as reconnecting. */
  leave: { request: z.object({ rejoining: z.boolean().optional() }).optional(), response: z.object({}) },
  /**
   * On a new connection after a drop, before anything else: take the participant's session back as
   * it was (transports, producers, consumers kept by the host for a short grace), instead of a new
   * join. `lastSeq`: the sequence number of the last notification received (the host sends each with
   * one after its payload); the host sends every later one again before answering. Refused with
   * `not_resumable` when the host no longer holds the session or those notifications: join again.
   */
  resume: {
    request: z.object({ roomId: RoomId, resumeToken: z.string().min(1).max(256), lastSeq: z.number().int().min(0) }),
    response: z.object({ resumeToken: z.string() }),
  },
  /** Liveness probe: after a network change the client asks whether signaling and its session still work. */
  ping: { request: z.object({}).optional(), response: z.object({}) },
  connectTransport: {
    request: z.object({ transportId: id, dtlsParameters: DtlsParameters }),
    response: z.object({}),
  },
  restartIce: {
    request: z.object({ transportId: id }),
    response: z.object({ iceParameters: IceParameters }),
  },
  produce: {
    request: z.object({
      transportId: id,
      kind: MediaKind,
      rtpParameters: RtpParameters,
      source: MediaSource,
      paused: z.boolean().optional(),
    }),
    response: z.object({ producerId: id }),
  },
  pauseProducer: { request: z.object({ producerId: id }), response: z.object({}) },
  resumeProducer: { request: z.object({ producerId: id }), response: z.object({}) },
  closeProducer: { request: z.object({ producerId: id }), response: z.object({}) },
  pauseConsumer: { request: z.object({ consumerId: id }), response: z.object({}) },
  resumeConsumer: { request: z.object({ consumerId: id }), response: z.object({}) },
  setConsumerPreferredLayers: {
    request: z.object({
      consumerId: id,
      spatialLayer: z.number().int().min(0).max(3),
      temporalLayer: z.number().int().min(0).max(3).optional(),
    }),
    response: z.object({}),
  },
  sendChat: {
    request: z.object({ text: z.string().trim().min(1).max(limits.maxChatMessageLength), ciphertext: ChatCiphertext.optional() }),
    response: z.object({ message: ChatMessage }),
  },
  setHand: { request: z.object({ raised: z.boolean() }), response: z.object({}) },
  sendReaction: { request: z.object({ reaction: Reaction }), response: z.object({}) },
  setDisplayName: { request: z.object({ displayName: DisplayName }), response: z.object({}) },
  hostMutePeer: { request: z.object({ peerId: id }), response: z.object({}) },
  hostRemovePeer: { request: z.object({ peerId: id }), response: z.object({}) },
  hostLockRoom: { request: z.object({ locked: z.boolean() }), response: z.object({}) },
  hostSetPasscode: {
    request: z.object({ passcode: z.string().max(limits.maxPasscodeLength).nullable() }),
    response: z.object({}),
  },
  /** Tell the room this participant started or stopped a local recording (host, or anyone when allowed). */
  setRecording: { request: z.object({ recording: z.boolean() }), response: z.object({}) },
  hostAllowRecording: { request: z.object({ allowed: z.boolean() }), response: z.object({}) },
  /** Consumers of the join answer the client could not take: the host holds them and offers them again (`newConsumers`). */
  /** Join-answer consumers the client did not take, offered again; those in `renew` as new consumers (see ConsumerTakeResult). */
  reofferConsumers: { request: z.object({ consumerIds: z.array(id).min(1).max(limits.maxConsumersPerOffer), renew: z.array(id).max(limits.maxConsumersPerOffer).optional() }), response: z.object({}) },
  /** Host only: turn the waiting room on or off (off lets everyone waiting in). */
  hostSetWaitingRoom: { request: z.object({ enabled: z.boolean() }), response: z.object({}) },
  hostAdmit: { request: z.object({ waitingId: id }), response: z.object({}) },
  hostDeny: { request: z.object({ waitingId: id }), response: z.object({}) },
  hostAdmitAll: { request: z.object({}).optional(), response: z.object({ admitted: z.number() }) },
  /** File transfer and private messages (shared/fileTransfer.ts). */
  ...fileRequests,
} as const;

export type RequestName = keyof typeof requests;
export type RequestData<N extends RequestName> = z.input<(typeof requests)[N]['request']>;
export type ParsedRequest<N extends RequestName> = z.output<(typeof requests)[N]['request']>;
export type ResponseData<N extends RequestName> = z.infer<(typeof requests)[N]['response']>;
export const requestNames = Object.keys(requests) as RequestName[];

// ---------------------------------------------------------------------------------------------
// Host → client. `newConsumers` / `newConsumer` expect an ack; the rest are fire-and-forget notifications.
// ---------------------------------------------------------------------------------------------


/** A consumer's score (0–10) and its producer's: what the tile's quality indicator shows. */
const ConsumerScore = z.object({ consumerId: id, score: z.number(), producerScore: z.number() });

export const notifications = {
  /** Sent on connect, before any request: lets the client load its Device while it asks to join. */
  welcome: z.object({
    routerRtpCapabilities: RtpCapabilities,
    protocolVersion: z.literal(1),
    /** Largest file this host relays (ROUNDTABLE_MAX_FILE_BYTES). */
    maxFileBytes: z.number().optional(),
  }),
  peerJoined: PeerInfo,
  peerLeft: z.object({ peerId: id }),
  peerUpdated: z.object({ peerId: id, displayName: z.string().optional(), isHost: z.boolean().optional(), reconnecting: z.boolean().optional() }),
  producerPaused: z.object({ peerId: id, producerId: id }),
  producerResumed: z.object({ peerId: id, producerId: id }),
  producerClosed: z.object({ peerId: id, producerId: id }),
  consumerClosed: z.object({ consumerId: id }),
  consumerPaused: z.object({ consumerId: id }),
  consumerResumed: z.object({ consumerId: id }),
  consumerLayersChanged: z.object({
    consumerId: id,
    spatialLayer: z.number().nullable(),
    temporalLayer: z.number().nullable(),
  }),
  consumerScore: ConsumerScore,
  /** The scores of several of this receiver's consumers whose quality level (shared/quality.ts) changed: to clients that join with `scoreBatches`. */
  consumerScores: z.object({ scores: z.array(ConsumerScore).max(limits.maxConsumersPerOffer) }),
  activeSpeaker: z.object({ peerId: id.nullable() }),
  chatMessage: ChatMessage,
  handRaised: z.object({ peerId: id, raised: z.boolean() }),
  reaction: z.object({ peerId: id, reaction: Reaction }),
  roomLocked: z.object({ locked: z.boolean() }),
  /** A participant started or stopped recording the meeting. */
  recordingChanged: z.object({ peerId: id, recording: z.boolean() }),
  recordingAllowed: z.object({ allowed: z.boolean() }),
  /** The host muted this peer: its mic producer was paused by the host. */
  peerMuted: z.object({ peerId: id, producerId: id, byPeerId: id }),
  /** This peer was removed by the host; the socket is closed after this. */
  peerKicked: z.object({ reason: z.string() }),
  /** The host lost this peer's media state (e.g. a worker died): join again with the resume token. */
  rejoinRequired: z.object({ reason: z.string() }),
  /**
   * Clustered hosts: the live nodes' URLs changed (a node joined or left the cluster). The client
   * fails over to these, so a list learnt at join time does not go stale while the meeting runs.
   */
  clusterNodes: z.object({ urls: z.array(z.string().max(2_000)).max(64) }),
  /** The room closed (idle, the host stopped, its media server could not be restored); the socket stays open. */
  meetingEnded: z.object({ reason: z.string() }),
  /**
   * To an arrival: the meeting has a waiting room; the join's answer comes when the host lets it in
   * (or a `denied` / `waiting_timeout` error), at most `maxWaitMs` from now.
   */
  waiting: z.object({ maxWaitMs: z.number() }),
  /** To the host: the waiting list changed (or the host role just came to this participant). */
  waitingList: WaitingList,
  /** To the host: someone new is waiting (play the knock). */
  knock: WaitingEntry,
  /** The host turned the waiting room on or off. */
  waitingRoomChanged: z.object({ enabled: z.boolean() }),
  /** File transfer and private messages (shared/fileTransfer.ts). */
  ...fileNotifications,
} as const;

export type NotificationName = keyof typeof notifications;
export type NotificationData<N extends NotificationName> = z.infer<(typeof notifications)[N]>;

/** socket.io typed-event maps, shared by both ends. */
export type ServerToClientEvents = {
  [N in NotificationName]: (data: NotificationData<N>) => void;
} & {
  newConsumer: (data: NewConsumer, ack: (result: Ack<object>) => void) => void;
  /** Consumers for one receiver, taken in one SDP round; the ack has one result per consumer. */
  newConsumers: (data: { consumers: NewConsumer[] }, ack: (result: Ack<{ results: ConsumerTakeResult[] }>) => void) => void;
};
export type ClientToServerEvents = {
  [N in RequestName]: (data: RequestData<N>, ack: (result: Ack<ResponseData<N>>) => void) => void;
};

/** Turns a zod failure into the one-line message a client developer needs. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`)
    .join('; ');
}
