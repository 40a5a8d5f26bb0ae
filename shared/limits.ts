/** Hard limits the host enforces and the client respects. One place, both ends. */
export const limits = {
  maxPeersPerRoom: 50,
  maxProducersPerPeer: 4,
  maxDisplayNameLength: 64,
  maxRoomIdLength: 64,
  maxPasscodeLength: 64,
  maxChatMessageLength: 2_000,
  /** An end-to-end encrypted message: 2,000 characters are at most 6,000 UTF-8 bytes, +28 (IV, tag), in base64url. */
  maxChatCiphertextLength: 8_192,
  chatHistorySize: 100,
  /** Chat kept for late joiners is also capped in bytes (UTF-8 of the texts and names). */
  chatHistoryBytes: 64 * 1024,
  /** Largest signaling payload accepted, in bytes of JSON. SDP-derived rtpParameters stay well under. */
  maxPayloadBytes: 64 * 1024,
  /** Wrong-passcode attempts allowed per (client address, room) per window before `rate_limited`. */
  passcodeAttemptsPerWindow: 5,
  passcodeWindowMs: 60_000,
  /** Wrong-passcode attempts per room from all addresses together: slows guessing from many addresses. */
  passcodeAttemptsPerRoomPerWindow: 30,
  /** Reactions per peer per second; above it the host answers `rate_limited`. */
  reactionsPerSecond: 5,
  /** Chat messages per peer: a burst, then this many per 10 s. */
  chatMessagesPer10s: 20,
  /** Renames and hand toggles per peer per 10 s. */
  renamesPer10s: 5,
  handTogglesPer10s: 10,
  /** All requests of one socket per second (media requests included): stops request floods. */
  requestsPerSecond: 100,
  /** Joins (attempts, successful or not) per socket per minute. */
  joinsPerMinute: 20,
  /** A resume token stays valid this long after its participant's connection dropped. */
  resumeWindowMs: 60_000,
  /** Incoming media per send transport (all of one participant's producers), bits per second. */
  maxIncomingBitratePerTransport: 6_000_000,
  /** Largest maxBitrate a participant may declare for one encoding, by source. */
  maxEncodingBitrate: { camera: 2_500_000, screen: 4_000_000, mic: 256_000, 'screen-audio': 256_000 },
  maxEncodingsPerProducer: 3,
  /** Consumers named in one offer or re-offer request: every producer of a full room (49 × 4). */
  maxConsumersPerOffer: 200,
  /** People waiting to be let in, per room; more knocks get `limit_exceeded`. */
  maxWaitingPerRoom: 100,
  /** Of those, at most this many from one client address (IPv6: /64). */
  maxWaitingPerAddress: 10,
  /** Knocks per (client address, room) per minute; more get `rate_limited`. */
  knocksPerAddressPerMinute: 10,
  /** How long one may wait to be let in before `waiting_timeout` (separate from the join deadline). */
  maxWaitMs: 15 * 60_000,
  /** File transfer: offers per peer per 10 s, transfers a peer may send at once, name length. */
  fileOffersPer10s: 10,
  maxOutgoingFileTransfers: 4,
  maxFileNameLength: 255,
  /** An end-to-end encrypted file's details as JSON (name ≤ 255 characters, ≤ 6 bytes each escaped; type ≤ 255; size, nonce), +28, in base64url. */
  maxSealedFileMetaLength: 3_072,
  /** Default size cap of one file (the host's ROUNDTABLE_MAX_FILE_BYTES overrides it). */
  defaultMaxFileBytes: 2 * 1024 ** 3,
  /**
   * A sender may run this far ahead of its slowest recipient's acknowledgements, which come every
   * `fileAckBytes`: the SFU drops messages its send buffer cannot hold, so that buffer must be larger.
   */
  fileWindowBytes: 8 * 1024 ** 2,
  fileAckBytes: 1024 ** 2,
  fileChunkBytes: 64 * 1024,
  /**
   * An ended transfer's data channel is closed by the host once its sender says it drained
   * (`fileDrained`), or after this long: a reset of its SCTP stream while the sender still had data
   * queued on it stopped the sender's whole association. Senders wait for the close before a new file.
   */
  fileDrainMaxMs: 30_000,
} as const;

export const allowedReactions = ['👍', '👏', '😂', '🎉', '❤️', '😮'] as const;
