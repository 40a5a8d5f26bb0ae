import { describe, expect, it } from 'vitest';
import { ConferenceError } from './conference';
import { describeError, describeScreenShareError, isFinal, needsPasscode } from './messages';

describe('describeError', () => {
  it('has a plain sentence for every failure the user can meet', () => {
    expect(describeError(new ConferenceError('unauthorized', 'wrong passcode'))).toMatch(/^Wrong passcode/);
    expect(describeError(new ConferenceError('unauthorized', 'this meeting needs a passcode'))).toBe('This meeting needs a passcode.');
    expect(describeError(new ConferenceError('room_locked', 'the host has locked this meeting'))).toMatch(/locked/);
    expect(describeError(new ConferenceError('room_full', 'this meeting is full (50 participants)'))).toBe('This meeting is full.');
    expect(describeError(new ConferenceError('host_unreachable', 'x'))).toMatch(/Cannot reach the meeting host/);
    expect(describeError(new ConferenceError('kicked', 'You were removed by Alice'))).toBe('You were removed by Alice.');
    expect(describeError(new ConferenceError('media_permission_denied', 'x'))).toMatch(/denied/);
    expect(describeError(new ConferenceError('no_device', 'x'))).toMatch(/No camera or microphone/);
  });

  it('maps raw getUserMedia failures like the SDK does', () => {
    expect(describeError(new DOMException('no', 'NotAllowedError'))).toMatch(/denied/);
    expect(describeError(new DOMException('no', 'NotFoundError'))).toMatch(/No camera/);
    expect(describeError(new Error('boom'))).toBe('Something went wrong: boom');
  });

  it('knows when to ask for a passcode and when retrying cannot help', () => {
    expect(needsPasscode(new ConferenceError('unauthorized', 'this meeting needs a passcode'))).toBe(true);
    expect(needsPasscode(new ConferenceError('unauthorized', 'only the host can do that'))).toBe(false);
    expect(isFinal(new ConferenceError('room_full', 'x'))).toBe(true);
    expect(isFinal(new ConferenceError('timeout', 'x'))).toBe(false);
  });

  it('treats a cancelled screen picker as information, a capture failure as an alert', () => {
    expect(describeScreenShareError(new ConferenceError('media_permission_denied', 'x')).kind).toBe('status');
    expect(describeScreenShareError(new ConferenceError('media_failed', 'x')).kind).toBe('alert');
  });
});
