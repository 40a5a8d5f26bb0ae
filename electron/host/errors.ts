import type { ErrorCode, ProtocolError } from '../../shared/protocol';

/** An error meant for the client: its code and message go into the `{ ok: false }` ack as-is. */
export class HostError extends Error {
  readonly code: ErrorCode;
  /** With `wrong_node`: the node that hosts the meeting. */
  readonly nodeUrl?: string;
  constructor(code: ErrorCode, message: string, nodeUrl?: string) {
    super(message);
    this.name = 'HostError';
    this.code = code;
    if (nodeUrl) this.nodeUrl = nodeUrl;
  }
}

/**
 * Maps anything thrown by a handler to a protocol error. mediasoup throws TypeError for invalid
 * parameters (client's fault); everything else is ours and is not described to the client.
 */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof HostError) return error.nodeUrl ? { code: error.code, message: error.message, nodeUrl: error.nodeUrl } : { code: error.code, message: error.message };
  if (error instanceof TypeError || (error instanceof Error && error.name === 'UnsupportedError')) {
    return { code: 'bad_request', message: error.message.slice(0, 300) };
  }
  if (error instanceof Error && error.name === 'InvalidStateError') {
    return { code: 'not_found', message: 'that object is already closed' };
  }
  return { code: 'internal', message: 'internal error' };
}
