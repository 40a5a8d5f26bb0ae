export { E2eeSession, E2eeUnsupportedError } from './E2eeSession';
export { generateMeetingKey, MAX_MEETING_KEY_LENGTH, MeetingKeyError, normalizeMeetingKey, verificationCode } from './keys';
export { detectTransformApi, type TransformApi } from './transformSupport';
