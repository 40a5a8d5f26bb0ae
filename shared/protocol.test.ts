import { describe, expect, it } from 'vitest';
import { describeZodError, requests } from './protocol';
import { limits } from './limits';

const caps = { codecs: [], headerExtensions: [] };

describe('signaling schemas', () => {
  it('accepts a well-formed join', () => {
    const parsed = requests.join.request.parse({ roomId: 'standup', displayName: '  Ada  ', rtpCapabilities: caps });
    expect(parsed.displayName).toBe('Ada');
  });

  it.each([
    ['missing room', { displayName: 'Ada', rtpCapabilities: caps }, 'roomId'],
    ['room with a slash', { roomId: '../etc', displayName: 'Ada', rtpCapabilities: caps }, 'roomId'],
    ['empty name', { roomId: 'r', displayName: '   ', rtpCapabilities: caps }, 'displayName'],
    ['name too long', { roomId: 'r', displayName: 'x'.repeat(limits.maxDisplayNameLength + 1), rtpCapabilities: caps }, 'displayName'],
    ['control characters in name', { roomId: 'r', displayName: 'Ada\u0000', rtpCapabilities: caps }, 'displayName'],
    ['number as name', { roomId: 'r', displayName: 42, rtpCapabilities: caps }, 'displayName'],
  ])('rejects a join with %s and names the field', (_, payload, field) => {
    const result = requests.join.request.safeParse(payload);
    expect(result.success).toBe(false);
    if (!result.success) expect(describeZodError(result.error)).toContain(field);
  });

  it('rejects produce with an unknown source or kind', () => {
    const base = { transportId: 't', kind: 'video', rtpParameters: { codecs: [{}] }, source: 'camera' };
    expect(requests.produce.request.safeParse(base).success).toBe(true);
    expect(requests.produce.request.safeParse({ ...base, source: 'hologram' }).success).toBe(false);
    expect(requests.produce.request.safeParse({ ...base, kind: 'smell' }).success).toBe(false);
    expect(requests.produce.request.safeParse({ ...base, rtpParameters: { codecs: [] } }).success).toBe(false);
  });

  it('bounds chat messages and layers', () => {
    expect(requests.sendChat.request.safeParse({ text: 'x'.repeat(limits.maxChatMessageLength + 1) }).success).toBe(false);
    expect(requests.sendChat.request.safeParse({ text: '   ' }).success).toBe(false);
    expect(requests.setConsumerPreferredLayers.request.safeParse({ consumerId: 'c', spatialLayer: 9 }).success).toBe(false);
  });
});
