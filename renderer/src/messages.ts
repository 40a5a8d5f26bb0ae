import { ConferenceError } from './conference';
import type { Notice } from './hooks/useNotices';

const MEDIA_ERROR_NAMES = new Set(['NotAllowedError', 'SecurityError', 'NotFoundError', 'OverconstrainedError', 'NotReadableError', 'AbortError']);

/** A ConferenceError for anything: raw getUserMedia failures are mapped like the SDK maps them. */
function asConferenceError(error: unknown): ConferenceError | undefined {
  if (error instanceof ConferenceError) return error;
  const name = (error as { name?: string } | undefined)?.name;
  if (name && MEDIA_ERROR_NAMES.has(name)) return ConferenceError.fromMediaError(error);
  return undefined;
}

/** What the user reads when something fails. Every error code has a sentence; nothing fails silently. */
export function describeError(error: unknown): string {
  const known = asConferenceError(error);
  if (!known) return `Something went wrong: ${(error as Error)?.message ?? String(error)}`;
  switch (known.code) {
    case 'unauthorized':
      if (known.message === 'wrong passcode') return 'Wrong passcode. Check it with the host and try again.';
      if (/passcode/.test(known.message)) return 'This meeting needs a passcode.';
      return `Not allowed: ${known.message}.`;
    case 'room_locked':
      return 'The host has locked this meeting. Ask them to unlock it.';
    case 'room_full':
      return 'This meeting is full.';
    case 'denied':
      return 'The host did not let you in.';
    case 'e2ee_key_required':
      return texts.meetingKeyRequired;
    case 'waiting_timeout':
      return `Nobody let you in: ${known.message}.`;
    case 'rate_limited':
      return `Too many attempts: ${known.message}.`;
    case 'not_found':
      return 'This meeting has ended.';
    case 'host_unreachable':
      return 'Cannot reach the meeting host. Check the link and that you are on the same network.';
    case 'media_permission_denied':
      return 'Camera and microphone access was denied. Allow it in your browser or system settings, then turn them on again.';
    case 'no_device':
      return 'No camera or microphone was found. Plug one in, then turn it on again.';
    case 'media_failed':
      return `${known.message}. Is another app using the device?`;
    case 'device_in_use':
      return 'The camera or microphone is in use by another app. Close that app, then turn it on again.';
    case 'unsupported_browser':
      return 'This browser cannot join meetings. Use a current Chrome, Edge, Firefox or Safari, or the Roundtable app.';
    case 'kicked':
      return known.message.endsWith('.') ? known.message : `${known.message}.`;
    case 'disconnected':
    case 'timeout':
      return 'The connection to the meeting host was lost.';
    default:
      return known.message;
  }
}

/** The join failed because the meeting wants a passcode (missing or wrong): ask for it. */
export function needsPasscode(error: unknown): boolean {
  return error instanceof ConferenceError && error.code === 'unauthorized' && /passcode/.test(error.message);
}

/** The meeting is end-to-end encrypted and we joined without its key: ask for it. */
export function needsMeetingKey(error: unknown): boolean {
  return error instanceof ConferenceError && error.code === 'e2ee_key_required';
}

/** Joining again cannot help: the meeting said no, or the user was removed. */
export function isFinal(error: unknown): boolean {
  return error instanceof ConferenceError && ['room_locked', 'room_full', 'kicked', 'not_found', 'bad_request', 'denied', 'waiting_timeout', 'e2ee_key_required'].includes(error.code);
}

/** Cancelling the screen picker is not an error; failing to capture is. */
export function describeScreenShareError(error: unknown): Notice {
  const known = asConferenceError(error);
  if (known?.code === 'media_permission_denied') return { kind: 'status', text: 'Screen sharing was cancelled or not allowed.' };
  if (known?.code === 'media_failed' || known?.code === 'no_device' || known?.code === 'device_in_use') return { kind: 'alert', text: 'Could not share the screen. Try another screen or window.' };
  return { kind: 'alert', text: describeError(error) };
}

export const texts = {
  reconnecting: 'Reconnecting…',
  reconnected: 'Reconnected.',
  joining: 'Joining…',
  meetingKeyRequired: 'This meeting is end-to-end encrypted — enter the meeting key',
  derivingKey: 'Deriving key…',
  waitingForHost: 'Waiting for the host to let you in',
  waitingRoom: (enabled: boolean) => (enabled ? 'Waiting room on: people joining wait until you let them in.' : 'Waiting room off: people join directly.'),
  mutedByHost: (name?: string) => `${name ?? 'The host'} muted your microphone. Unmute when you want to speak.`,
  handRaised: (name: string) => `${name} raised their hand.`,
  roomLocked: (locked: boolean) => (locked ? 'The meeting is now locked: nobody else can join.' : 'The meeting is unlocked.'),
};
