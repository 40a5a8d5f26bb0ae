import { describe, expect, it, vi } from 'vitest';
import type { IpcResult, OpenLink, RoundtableBridge, ScreenSources } from '../../../shared/ipc';
import { createElectronPlatform, hostIdentityChange, PlatformError } from './electron';

const ok = <T>(data: T): Promise<IpcResult<T>> => Promise.resolve({ ok: true, data });
const hosted = { roomId: 'standup', baseUrl: 'https://10.0.0.5:4443', joinUrl: 'https://10.0.0.5:4443/?room=standup', ownerKey: 'k', ports: { http: 4443, rtc: [40000] } };

function fakeBridge(overrides: Partial<RoundtableBridge> = {}) {
  const listeners = { screen: [] as ((r: ScreenSources) => void)[], links: [] as ((l: OpenLink) => void)[] };
  const bridge: RoundtableBridge = {
    appInfo: vi.fn(),
    hosting: { start: vi.fn(() => ok(hosted)), stop: vi.fn(() => ok({ stopped: true })), status: vi.fn(() => ok(null)) },
    discovery: { subscribe: vi.fn(() => () => undefined) },
    screen: {
      sources: vi.fn(),
      choose: vi.fn(() => ok(null)),
      onRequest: (listener) => {
        listeners.screen.push(listener);
        return () => undefined;
      },
    },
    preferences: { get: vi.fn(() => ok({ displayName: 'Ada' })), set: vi.fn((patch) => ok({ displayName: 'Ada', ...patch })) },
    openExternal: vi.fn(() => ok(null)),
    certificates: { verifyForJoin: vi.fn(() => ok(null)), replacePin: vi.fn(() => ok(null)) },
    onOpenLink: (listener) => {
      listeners.links.push(listener);
      return () => undefined;
    },
    onNotice: vi.fn(() => () => undefined),
    meeting: { report: vi.fn(() => ok(null)), act: vi.fn(() => ok(null)), onCommand: vi.fn(() => () => undefined), onChanged: vi.fn(() => () => undefined) },
    notify: vi.fn(() => ok({ shown: true })),
    updates: { status: vi.fn(), restart: vi.fn(() => ok(null)), onChanged: vi.fn(() => () => undefined) },
    recordings: { start: vi.fn(() => ok(null)), write: vi.fn(() => ok(null)), finish: vi.fn(() => ok(null)) },
    ...overrides,
  };
  return { bridge, listeners };
}

describe('createElectronPlatform', () => {
  it('is the desktop platform and unwraps bridge results', async () => {
    const { bridge } = fakeBridge();
    const platform = createElectronPlatform(bridge);
    expect(platform.kind).toBe('desktop');
    expect(await platform.loadPreferences()).toEqual({ displayName: 'Ada' });
    await platform.savePreferences({ cameraId: 'cam' });
    expect(bridge.preferences.set).toHaveBeenCalledWith({ cameraId: 'cam' });
  });

  it('throws a PlatformError carrying the main process error code', async () => {
    const { bridge } = fakeBridge({
      hosting: {
        start: () => Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'port 4443 is in use' } }),
        stop: () => ok({ stopped: false }),
        status: () => ok(null),
      },
    });
    const platform = createElectronPlatform(bridge);
    await expect(platform.hosting!.start('standup')).rejects.toMatchObject({ name: 'PlatformError', code: 'unavailable', message: 'port 4443 is in use' });
    await expect(platform.hosting!.stop()).rejects.toBeInstanceOf(PlatformError);
  });

  it('a plain room code joins the meeting this app hosts', async () => {
    const { bridge } = fakeBridge();
    const platform = createElectronPlatform(bridge);
    expect(platform.defaultHostUrl()).toBeUndefined();
    await platform.hosting!.start('standup');
    expect(platform.defaultHostUrl()).toBe('https://10.0.0.5:4443');
    await platform.hosting!.stop();
    expect(platform.defaultHostUrl()).toBeUndefined();
  });

  it('passes screen requests, choices and opened links through', async () => {
    const { bridge, listeners } = fakeBridge();
    const platform = createElectronPlatform(bridge);
    const onSources = vi.fn();
    const onLink = vi.fn();
    platform.screenPicker!.onRequest(onSources);
    platform.onOpenLink!(onLink);
    const source = { id: 'screen:1:0', name: 'Screen', kind: 'screen' as const, thumbnailDataUrl: '' };
    listeners.screen[0]!({ sources: [source], audioAvailable: false });
    listeners.links[0]!({ url: 'https://10.0.0.5:4443/?room=a' });
    expect(onSources).toHaveBeenCalledWith([source], { available: false, unavailableReason: undefined });
    expect(onLink).toHaveBeenCalledWith('https://10.0.0.5:4443/?room=a');
    await platform.screenPicker!.choose('screen:1:0', true);
    expect(bridge.screen.choose).toHaveBeenCalledWith('screen:1:0', true);
  });
});

describe('host identity checks on Join', () => {
  const change = { host: '10.0.0.5:4443', pinnedFingerprint: 'ab'.repeat(32), presentedFingerprint: 'cd'.repeat(32) };

  it('passes the link fingerprint (or none) to main and confirms a replacement', async () => {
    const { bridge } = fakeBridge();
    const platform = createElectronPlatform(bridge);
    await platform.verifyHostForJoin('https://10.0.0.5:4443', 'ab'.repeat(32));
    await platform.verifyHostForJoin('https://10.0.0.5:4443');
    expect(bridge.certificates.verifyForJoin).toHaveBeenNthCalledWith(1, 'https://10.0.0.5:4443', 'ab'.repeat(32));
    expect(bridge.certificates.verifyForJoin).toHaveBeenNthCalledWith(2, 'https://10.0.0.5:4443', undefined);
    await platform.replaceHostPin('https://10.0.0.5:4443', 'cd'.repeat(32));
    expect(bridge.certificates.replacePin).toHaveBeenCalledWith('https://10.0.0.5:4443', 'cd'.repeat(32));
  });

  it('a changed identity rejects with a typed error carrying both fingerprints', async () => {
    const { bridge } = fakeBridge({
      certificates: {
        verifyForJoin: () => Promise.resolve({ ok: false, error: { code: 'host_identity_changed', message: 'changed', identity: change } }),
        replacePin: () => ok(null),
      },
    });
    const platform = createElectronPlatform(bridge);
    const error: unknown = await platform.verifyHostForJoin('https://10.0.0.5:4443').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PlatformError', code: 'host_identity_changed', identity: change });
    expect(hostIdentityChange(error)).toEqual(change);
    expect(hostIdentityChange(new PlatformError('unavailable', 'down'))).toBeUndefined();
  });
});
