import type { FrameKind } from './frameCrypto';

/** What each encoded transform is for; given to the worker with the transform. */
export interface TransformOptions {
  operation: 'encrypt' | 'decrypt';
  kind: FrameKind;
  /** The sender's participant id (ours for `encrypt`): the sender key is bound to it. */
  participantId: string;
  /** Unique per transform in this session (a receiver's reports are keyed by it). */
  transformId: string;
}

/** Page → worker. */
export type ToWorker =
  | { type: 'key'; meetingKey: CryptoKey; epoch: number }
  /** The legacy encoded streams (older Chromium/Electron): the page hands over the frame streams. */
  | { type: 'streams'; options: TransformOptions; readable: ReadableStream; writable: WritableStream };

/** Worker → page. */
export type FromWorker =
  | { type: 'decryptState'; participantId: string; transformId: string; state: 'ok' | 'failing' }
  | { type: 'ended'; participantId: string; transformId: string };
