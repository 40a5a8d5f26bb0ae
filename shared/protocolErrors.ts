/** The signaling contract's errors: what the host answers a failed request with, and what the SDK detects itself. */
import { z } from 'zod';


export const errorCodes = [
  'bad_request',
  'unauthorized',
  'not_found',
  'not_joined',
  'already_joined',
  'room_full',
  'room_locked',
  'limit_exceeded',
  'rate_limited',
  'internal',
  /** Clustered hosts: the meeting is hosted by another node; `nodeUrl` says which. */
  'wrong_node',
  /** The host did not let this participant in from the waiting room. */
  'denied',
  /** Nobody let this participant in from the waiting room in time. */
  'waiting_timeout',
  /** The meeting is end-to-end encrypted and this join would not encrypt (no meeting key): nothing was sent. */
  'e2ee_key_required',
  /** `resume`: the host no longer holds this participant's session (or what it missed meanwhile): join again with the token. */
  'not_resumable',
] as const;
export const ErrorCode = z.enum(errorCodes);

/** Failures the client SDK detects itself (no host involved). ConferenceError carries either kind. */
export const clientErrorCodes = [
  'host_unreachable',
  'timeout',
  'disconnected',
  'kicked',
  'media_permission_denied',
  'no_device',
  'media_failed',
  'unsupported_browser',
] as const;
export type ClientErrorCode = (typeof clientErrorCodes)[number];
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ProtocolError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** With `wrong_node`: where to join instead (same meeting, another node of the cluster). */
  nodeUrl: z.string().optional(),
});
export type ProtocolError = z.infer<typeof ProtocolError>;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };
