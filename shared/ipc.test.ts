import { describe, expect, it } from 'vitest';
import {
  eventChannels,
  Fingerprint,
  HostingInfo,
  invokeChannelNames,
  invokeChannels,
  ipcErrorCodes,
  ipcResultSchema,
  isInvokeChannel,
  PreferencesPatch,
  ScreenChoice,
  WebUrl,
} from './ipc';

const fp = 'ab'.repeat(32);

describe('shared/ipc contract', () => {
  it('names every channel once, with argument and result schemas', () => {
    expect(invokeChannelNames).toHaveLength(new Set(invokeChannelNames).size);
    for (const name of invokeChannelNames) {
      expect(name).toMatch(/^[a-z]+:[a-zA-Z]+$/);
      expect(typeof invokeChannels[name].arg.safeParse).toBe('function');
      expect(typeof invokeChannels[name].result.safeParse).toBe('function');
    }
    for (const name of Object.keys(eventChannels)) expect(invokeChannelNames).not.toContain(name);
  });

  it('recognises only its own channels, not prototype keys', () => {
    expect(isInvokeChannel('hosting:start')).toBe(true);
    expect(isInvokeChannel('hosting:explode')).toBe(false);
    expect(isInvokeChannel('toString')).toBe(false);
    expect(isInvokeChannel('__proto__')).toBe(false);
    expect(isInvokeChannel(42)).toBe(false);
  });

  it('channels without an argument refuse one', () => {
    expect(invokeChannels['hosting:status'].arg.safeParse(undefined).success).toBe(true);
    expect(invokeChannels['hosting:status'].arg.safeParse({ sneaky: true }).success).toBe(false);
  });

  it('fingerprints are exactly 64 lower-case hex characters', () => {
    expect(Fingerprint.safeParse(fp).success).toBe(true);
    expect(Fingerprint.safeParse(fp.toUpperCase()).success).toBe(false);
    expect(Fingerprint.safeParse(fp.slice(2)).success).toBe(false);
    expect(Fingerprint.safeParse(`${fp}00`).success).toBe(false);
    expect(Fingerprint.safeParse('AB:'.repeat(31) + 'AB').success).toBe(false);
  });

  it('web URLs must be http(s) without credentials', () => {
    expect(WebUrl.safeParse('https://10.0.0.5:4443/?room=a').success).toBe(true);
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@host/', 'roundtable://h/r', 'not a url', `https://h/${'a'.repeat(3000)}`]) {
      expect(WebUrl.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('preference patches are partial but refuse unknown keys and oversize names', () => {
    expect(PreferencesPatch.parse({ displayName: 'Ada' })).toEqual({ displayName: 'Ada' });
    expect(PreferencesPatch.safeParse({ isAdmin: true }).success).toBe(false);
    expect(PreferencesPatch.safeParse({ displayName: 'x'.repeat(500) }).success).toBe(false);
  });

  it('a screen choice may cancel with null', () => {
    expect(ScreenChoice.safeParse({ sourceId: null, withAudio: false }).success).toBe(true);
    expect(ScreenChoice.safeParse({ sourceId: 'screen:1:0' }).success).toBe(false);
  });

  it('result envelopes are typed both ways', () => {
    const schema = ipcResultSchema(HostingInfo.nullable());
    expect(schema.safeParse({ ok: true, data: null }).success).toBe(true);
    expect(schema.safeParse({ ok: false, error: { code: 'forbidden', message: 'no' } }).success).toBe(true);
    expect(schema.safeParse({ ok: false, error: { code: 'oops', message: 'no' } }).success).toBe(false);
    expect(ipcErrorCodes).toContain('unknown_channel');
  });
});
