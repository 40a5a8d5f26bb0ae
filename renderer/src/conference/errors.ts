import type { ClientErrorCode, ErrorCode, ProtocolError } from '../../../shared/protocol';

export type ConferenceErrorCode = ErrorCode | ClientErrorCode;

/** Every failure the SDK reports. `code` is stable (UI picks its message from it); `message` is for people. */
export class ConferenceError extends Error {
  readonly code: ConferenceErrorCode;
  constructor(code: ConferenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConferenceError';
    this.code = code;
  }

  static fromProtocol(error: ProtocolError): ConferenceError {
    return new ConferenceError(error.code, error.message);
  }

  /** Maps getUserMedia/getDisplayMedia failures to codes the UI can explain. */
  static fromMediaError(error: unknown): ConferenceError {
    const name = (error as { name?: string } | undefined)?.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      return new ConferenceError('media_permission_denied', 'Camera or microphone access was denied', { cause: error });
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError') {
      return new ConferenceError('no_device', 'No camera or microphone was found', { cause: error });
    }
    return new ConferenceError('media_failed', `Could not start the camera or microphone${name ? ` (${name})` : ''}`, { cause: error });
  }
}
