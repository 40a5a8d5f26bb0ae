import { UpdateController } from './updates';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { HostConfigInput } from '../host/config';
import { createLogger } from '../host/logger';
import { createHandlers } from './api';
import { ScreenCapture } from './capture';
import { DiscoveryFeed } from './discovery';
import { desktopHostConfig, HostingService, remotePeerCount, type HostLike } from './hosting';
import { createDispatcher } from './ipc';
import { LinkInbox } from './links';
import { TrustedOrigins } from './origins';
import { RecordingFiles } from './recordingFiles';
import { defaultSettings, SettingsStore, type KeyValueStore } from './settings';
import { appEvent, eventFrom } from './testSupport';

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-hosting-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Loopback only, ephemeral ports, one worker, no TLS, no mDNS. */
function testHostConfig(): HostConfigInput {
  return { listenIp: '127.0.0.1', announcedIp: '127.0.0.1', httpPort: 0, rtcPort: 0, workers: 1, tls: false, discovery: false, dataDir: tempDir() };
}

async function startRealTestHost(config: HostConfigInput): Promise<HostLike> {
  const { Host } = await import('../host/Host');
  return Host.start(config, { logger: createLogger('silent') });
}

/** The main process's IPC surface with the real HostingService and the real Host behind it. */
function mainProcess(confirmStop = vi.fn(async () => true)) {
  const origins = new TrustedOrigins('app://roundtable/index.html');
  const cwd = tempDir();
  const settings = SettingsStore.open({
    file: path.join(cwd, 'settings.json'),
    create: (): KeyValueStore => new Conf<Record<string, unknown>>({ cwd, configName: 'settings', projectName: 'rt' }),
  });
  const hosting = new HostingService({
    startHost: startRealTestHost,
    config: testHostConfig,
    confirmStop,
    onStarted: (host) => origins.addMeetingHost(host.baseUrl),
    onStopped: (host) => origins.removeMeetingHost(host.baseUrl),
  });
  const dispatch = createDispatcher({
    handlers: createHandlers({
      appInfo: () => ({ name: 'Roundtable', version: '0', platform: 'linux', arch: 'x64', isPackaged: false, versions: { electron: '', chrome: '', node: '' } }),
      hosting,
      discovery: new DiscoveryFeed(() => () => () => undefined, () => undefined),
      capture: new ScreenCapture({ getSources: async () => [], platform: 'linux', announce: () => undefined, isTrusted: () => true }),
      settings,
      links: new LinkInbox({ accept: () => undefined, reject: () => undefined, deliver: () => undefined }),
      recordings: new RecordingFiles({ videosDir: () => cwd, choosePath: async () => undefined }),
      openExternal: async () => undefined,
      joinTrust: { verify: async () => undefined, replace: async () => undefined },
      desktop: {
        setMeeting: () => undefined,
        notify: () => false,
        act: () => undefined,
        updates: new UpdateController({ loadUpdater: undefined, isInMeeting: () => false, onChange: () => undefined }),
      },
    }),
    isAppPage: (url) => origins.isAppPage(url),
  });
  return { dispatch, hosting, origins, confirmStop };
}

async function health(baseUrl: string): Promise<number | 'unreachable'> {
  try {
    return (await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return 'unreachable';
  }
}

describe('hosting through the IPC layer (real Host on 127.0.0.1)', () => {
  let cleanup: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('starts, reports, survives a page reload, serves a second room, and stops', async () => {
    const { dispatch, hosting, origins } = mainProcess();
    cleanup = () => hosting.stop({ confirm: false });

    expect(await dispatch('hosting:status', appEvent(), undefined)).toEqual({ ok: true, data: null });
    const started = await dispatch('hosting:start', appEvent(), { roomId: 'standup' });
    expect(started.ok).toBe(true);
    const info = (started as { data: { baseUrl: string; joinUrl: string; ownerKey: string; ports: { http: number; rtc: number[] } } }).data;
    expect(info.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.joinUrl).toBe(`${info.baseUrl}/?room=standup`);
    expect(info.ownerKey.length).toBeGreaterThan(16);
    expect(info.ports.http).toBe(Number(new URL(info.baseUrl).port));
    expect(info.ports.rtc).toHaveLength(1);
    expect(await health(info.baseUrl)).toBe(200);
    expect(origins.isMeetingHost(`${info.baseUrl}/?room=standup`)).toBe(true);

    // A reloaded page asks again and finds the same host.
    expect(await dispatch('hosting:status', appEvent(), undefined)).toEqual({ ok: true, data: { ...info, roomId: 'standup' } });
    const second = await dispatch('hosting:start', appEvent(), { roomId: 'retro' });
    expect(second).toMatchObject({ ok: true, data: { roomId: 'retro', baseUrl: info.baseUrl, ownerKey: info.ownerKey } });

    expect(await dispatch('hosting:stop', appEvent(), undefined)).toEqual({ ok: true, data: { stopped: true } });
    expect(await dispatch('hosting:status', appEvent(), undefined)).toEqual({ ok: true, data: null });
    expect(await health(info.baseUrl)).toBe('unreachable');
    expect(origins.isMeetingHost(info.baseUrl)).toBe(false);
    // Stopping again is harmless.
    expect(await dispatch('hosting:stop', appEvent(), undefined)).toEqual({ ok: true, data: { stopped: true } });
  });

  it('does not let a foreign page start or stop the host', async () => {
    const { dispatch, hosting } = mainProcess();
    cleanup = () => hosting.stop({ confirm: false });
    expect(await dispatch('hosting:start', eventFrom('https://evil.example/'), { roomId: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(hosting.running).toBe(false);
    await dispatch('hosting:start', appEvent(), { roomId: 'x' });
    expect(await dispatch('hosting:stop', eventFrom('https://evil.example/'), undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(hosting.running).toBe(true);
  });

  it('answers a typed error when the port is taken, and can start once it is free', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const hosting = new HostingService({
      startHost: startRealTestHost,
      config: () => ({ ...testHostConfig(), httpPort: port }),
      confirmStop: async () => true,
    });
    cleanup = () => hosting.stop({ confirm: false });
    await expect(hosting.start('standup')).rejects.toMatchObject({ code: 'unavailable' });
    expect(hosting.running).toBe(false);
    await new Promise((resolve) => blocker.close(resolve));
    await expect(hosting.start('standup')).resolves.toMatchObject({ ports: { http: port } });
  });
});

describe('stop confirmation (fake host with remote peers)', () => {
  function fakeHost(addresses: string[]) {
    const stop = vi.fn(async () => undefined);
    const host: HostLike = {
      baseUrl: 'https://10.0.0.5:4443',
      announcedIp: '10.0.0.5',
      ownerKey: 'owner-key-owner-key',
      tls: { fingerprint: 'AB:'.repeat(31) + 'AB' },
      ports: { http: 4443, rtc: [40000] },
      rooms: { all: () => [{ peers: new Map(addresses.map((address, i) => [`p${i}`, { channel: { address } }])) }] },
      joinUrl: (roomId) => `https://10.0.0.5:4443/?room=${roomId}&fp=${'ab'.repeat(32)}`,
      stop,
    };
    return { host, stop };
  }

  it('counts people on other machines, not the app window itself', () => {
    expect(remotePeerCount(fakeHost(['10.0.0.5', '::ffff:127.0.0.1', '10.0.0.23', '::ffff:10.0.0.24']).host)).toBe(2);
  });

  it('asks before ending a meeting with others in it, and keeps hosting if declined', async () => {
    const { host, stop } = fakeHost(['10.0.0.5', '10.0.0.23']);
    const confirmStop = vi.fn(async () => false);
    const hosting = new HostingService({ startHost: async () => host, config: () => ({}), confirmStop });
    const info = await hosting.start('standup');
    expect(info.fingerprint).toBe('ab'.repeat(32));
    expect(await hosting.stop()).toEqual({ stopped: false });
    expect(confirmStop).toHaveBeenCalledWith(1);
    expect(stop).not.toHaveBeenCalled();
    expect(hosting.status()).toMatchObject({ roomId: 'standup' });
    confirmStop.mockResolvedValueOnce(true);
    expect(await hosting.stop()).toEqual({ stopped: true });
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('does not ask when only the app window is connected', async () => {
    const { host, stop } = fakeHost(['10.0.0.5']);
    const confirmStop = vi.fn(async () => false);
    const hosting = new HostingService({ startHost: async () => host, config: () => ({}), confirmStop });
    await hosting.start('standup');
    expect(await hosting.stop()).toEqual({ stopped: true });
    expect(confirmStop).not.toHaveBeenCalled();
    expect(stop).toHaveBeenCalled();
  });

  it('starts the host once for concurrent starts', async () => {
    const { host } = fakeHost([]);
    const startHost = vi.fn(async () => host);
    const hosting = new HostingService({ startHost, config: () => ({}), confirmStop: async () => true });
    await Promise.all([hosting.start('a'), hosting.start('b')]);
    expect(startHost).toHaveBeenCalledTimes(1);
  });
});

describe('desktopHostConfig', () => {
  it('listens on every interface with TLS and discovery, using the saved ports and address override', () => {
    const config = desktopHostConfig({ ...defaultSettings, announcedIp: '192.168.1.20', hostPorts: { http: 5443, rtc: 41000 } }, { dataDir: '/d', webRoot: '/w' });
    expect(config).toEqual({ listenIp: '0.0.0.0', announcedIp: '192.168.1.20', httpPort: 5443, rtcPort: 41000, tls: true, discovery: true, dataDir: '/d', webRoot: '/w' });
    expect(desktopHostConfig(defaultSettings, { dataDir: '/d', webRoot: '/w' })).not.toHaveProperty('announcedIp');
  });
});
