/** Hard limits the host enforces and the client respects. One place, both ends. */
export const limits = {
  maxPeersPerRoom: 50,
  maxProducersPerPeer: 4,
  maxDisplayNameLength: 64,
  maxRoomIdLength: 64,
  maxPasscodeLength: 64,
  maxChatMessageLength: 2_000,
  chatHistorySize: 100,
  /** Largest signaling payload accepted, in bytes of JSON. SDP-derived rtpParameters stay well under. */
  maxPayloadBytes: 64 * 1024,
  /** Wrong-passcode attempts allowed per client address per window before `rate_limited`. */
  passcodeAttemptsPerWindow: 5,
  passcodeWindowMs: 60_000,
  /** Reactions per peer per second; above it the host drops with `limit_exceeded`. */
  reactionsPerSecond: 5,
} as const;

export const allowedReactions = ['👍', '👏', '😂', '🎉', '❤️', '😮'] as const;
