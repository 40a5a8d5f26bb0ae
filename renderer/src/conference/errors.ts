import type { ClientErrorCode, ErrorCode, ProtocolError } from '../../../shared/protocol';

/** Codes only this SDK produces, beside the protocol's and the shared client codes. */
export type SdkErrorCode = 'cancelled' | 'device_in_use';
export type ConferenceErrorCode = ErrorCode | ClientErrorCode | SdkErrorCode;

/** Every failure the SDK reports. `code` is stable (UI picks its message from it); `message` is for people. */
export class ConferenceError extends Error {
  readonly code: ConferenceErrorCode;
  constructor(code: ConferenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConferenceError';
    this.code = code;
  }

  /** With `wrong_node`: the cluster node that hosts the meeting. */
  nodeUrl?: string;

  static fromProtocol(error: ProtocolError): ConferenceError {
    const conferenceError = new ConferenceError(error.code, error.message);
    if (error.nodeUrl) conferenceError.nodeUrl = error.nodeUrl;
    return conferenceError;
  }

  /** Maps getUserMedia/getDisplayMedia failures to codes the UI can explain. */
  static fromMediaError(error: unknown): MediaDeviceError {
    return MediaDeviceError.from(error);
  }
}

/** Why a join, a reconnection or the meeting itself ended (like LiveKit's ConnectionError reasons). */
export type ConnectionErrorReason =
  /** The host could not be reached, or closed the connection while we joined. */
  | 'unreachable'
  /** A step of the join (greeting, answer, media set-up) took longer than its bound. */
  | 'timeout'
  /** The host said no: passcode, lock, full room, limits, bad request. */
  | 'refused'
  /** The host removed us from the meeting. */
  | 'kicked'
  /** The meeting ended (closed by its host, or the host stopped hosting). */
  | 'ended'
  /** leave() (or a newer join) overtook this one. */
  | 'cancelled'
  /** Reconnecting gave up (policy said stop). */
  | 'gave_up'
  /** The connection dropped. */
  | 'disconnected'
  /** The host failed internally. */
  | 'internal';

const REASON_BY_CODE: Partial<Record<ConferenceErrorCode, ConnectionErrorReason>> = {
  host_unreachable: 'unreachable',
  timeout: 'timeout',
  disconnected: 'disconnected',
  kicked: 'kicked',
  cancelled: 'cancelled',
  internal: 'internal',
};

/** Joining, staying connected or reconnecting failed. */
export class ConnectionError extends ConferenceError {
  readonly reason: ConnectionErrorReason;
  constructor(reason: ConnectionErrorReason, code: ConferenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ConnectionError';
    this.reason = reason;
  }

  static cancelled(what = 'join'): ConnectionError {
    return new ConnectionError('cancelled', 'cancelled', `${what} cancelled`);
  }

  static timeout(what: string, ms: number): ConnectionError {
    return new ConnectionError('timeout', 'timeout', `${what}: no answer within ${ms} ms`);
  }

  /** Any error as a ConnectionError: a host refusal keeps its code; the reason says which kind. */
  static from(error: unknown): ConnectionError {
    if (error instanceof ConnectionError) return error;
    if (error instanceof ConferenceError) {
      return new ConnectionError(REASON_BY_CODE[error.code] ?? 'refused', error.code, error.message, { cause: error });
    }
    return new ConnectionError('internal', 'internal', (error as Error)?.message ?? String(error), { cause: error });
  }
}

/** Why a camera, microphone or screen could not be opened. */
export type MediaDeviceFailure = 'permission_denied' | 'not_found' | 'device_in_use' | 'overconstrained' | 'aborted' | 'other';

const DEVICE_FAILURES: Record<string, { reason: MediaDeviceFailure; code: ConferenceErrorCode; message: string }> = {
  NotAllowedError: { reason: 'permission_denied', code: 'media_permission_denied', message: 'Camera or microphone access was denied' },
  SecurityError: { reason: 'permission_denied', code: 'media_permission_denied', message: 'Camera or microphone access was denied' },
  NotFoundError: { reason: 'not_found', code: 'no_device', message: 'No camera or microphone was found' },
  OverconstrainedError: { reason: 'overconstrained', code: 'no_device', message: 'No camera or microphone matches the chosen settings' },
  // Chrome and Firefox say NotReadableError (Firefox also AbortError) when another app holds the device.
  NotReadableError: { reason: 'device_in_use', code: 'device_in_use', message: 'The camera or microphone is in use by another app' },
  AbortError: { reason: 'aborted', code: 'media_failed', message: 'Could not start the camera or microphone (AbortError)' },
};

/** getUserMedia / getDisplayMedia failed; `reason` says why. */
export class MediaDeviceError extends ConferenceError {
  readonly reason: MediaDeviceFailure;
  constructor(reason: MediaDeviceFailure, code: ConferenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'MediaDeviceError';
    this.reason = reason;
  }

  static from(error: unknown): MediaDeviceError {
    if (error instanceof MediaDeviceError) return error;
    const name = (error as { name?: string } | undefined)?.name;
    const known = name ? DEVICE_FAILURES[name] : undefined;
    if (known) return new MediaDeviceError(known.reason, known.code, known.message, { cause: error });
    return new MediaDeviceError('other', 'media_failed', `Could not start the camera or microphone${name ? ` (${name})` : ''}`, { cause: error });
  }
}

/**
 * Why a remote stream could not be received: this one consumer failed, or the receive transport
 * failed whole offers even after it was rebuilt once.
 */
export type StreamFailure = 'consume_failed' | 'receive_transport_failed';

/** A remote stream could not be received here, after every offer of it by the host; it was closed on the host. */
export class StreamError extends ConferenceError {
  readonly consumerId: string;
  readonly reason: StreamFailure;
  constructor(consumerId: string, message: string, options?: { cause?: unknown; reason?: StreamFailure }) {
    super('media_failed', message, options);
    this.name = 'StreamError';
    this.consumerId = consumerId;
    this.reason = options?.reason ?? 'consume_failed';
  }
}
