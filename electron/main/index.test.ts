import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { invokeChannelNames } from '../../shared/ipc';

/** Just enough of Electron for index.ts to run its whole lifecycle under plain Node. */
const electron = vi.hoisted(() => {
  const { EventEmitter } = require('node:events') as typeof import('node:events');
  const userData = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'rt-main-'));
  let ready!: () => void;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  class App extends EventEmitter {
    isPackaged = false;
    gotLock = true;
    commandLine = { appendSwitch: vi.fn() };
    requestSingleInstanceLock = vi.fn(() => this.gotLock);
    quit = vi.fn(() => {
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      this.emit('before-quit', event);
      if (!event.prevented) this.emit('quit');
    });
    exit = vi.fn();
    enableSandbox = vi.fn();
    setAppUserModelId = vi.fn();
    whenReady = () => readyPromise;
    setAsDefaultProtocolClient = vi.fn(() => true);
    getAppPath = () => '/work/app';
    getPath = () => userData;
    getName = () => 'Roundtable';
    getVersion = () => '0.1.0';
  }
  class WebContents extends EventEmitter {
    sent: Array<[string, unknown]> = [];
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    isDestroyed = () => false;
    url = 'app://roundtable/index.html';
    getURL = () => this.url;
    setWindowOpenHandler = vi.fn();
  }
  const windows: BrowserWindow[] = [];
  class BrowserWindow extends EventEmitter {
    webContents = new WebContents();
    loaded: string[] = [];
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    maximize() {}
    show() {}
    focus() {}
    restore() {}
    isMinimized = () => false;
    isDestroyed = () => false;
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 10, y: 20, width: 1000, height: 700 });
  }
  const trays: Tray[] = [];
  class Tray extends EventEmitter {
    tooltip = '';
    menu: Array<{ label: string; enabled: boolean; click?: () => void }> = [];
    constructor() {
      super();
      trays.push(this);
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setContextMenu(menu: Tray['menu']) {
      this.menu = menu;
    }
  }
  class Notification extends EventEmitter {
    static isSupported = () => true;
    show = vi.fn();
  }
  const handlers = new Map<string, (event: unknown, arg: unknown) => Promise<unknown>>();
  const session = {
    webRequest: { onHeadersReceived: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setCertificateVerifyProc: vi.fn(),
    setDisplayMediaRequestHandler: vi.fn(),
  };
  const module = {
    app: new App(),
    BrowserWindow,
    ipcMain: { handle: (channel: string, handler: never) => handlers.set(channel, handler), removeHandler: vi.fn(), on: vi.fn() },
    session: { defaultSession: session },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    net: { fetch: vi.fn() },
    desktopCapturer: { getSources: vi.fn(async () => []) },
    dialog: { showMessageBox: vi.fn(async () => ({ response: 0 })), showErrorBox: vi.fn() },
    shell: { openExternal: vi.fn(async () => undefined) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    systemPreferences: { getMediaAccessStatus: () => 'granted' },
    Tray,
    Notification,
    Menu: { buildFromTemplate: (items: unknown) => items },
    nativeImage: { createFromPath: () => ({ resize: () => ({}) }) },
  };
  return { module, windows, handlers, session, userData, ready, WebContents, trays };
});

vi.mock('electron', () => ({ ...electron.module, default: electron.module }));
vi.mock('electron-store', async () => {
  const { default: Conf } = await import('conf');
  return {
    default: class extends Conf<Record<string, unknown>> {
      constructor(options: { name: string }) {
        super({ cwd: electron.userData, configName: options.name, projectName: 'rt' });
      }
    },
  };
});
// The desktop config binds 0.0.0.0:4443; tests keep the real Host on loopback with ephemeral ports.
vi.mock('./hosting', async (importOriginal) => {
  const original = await importOriginal<typeof import('./hosting')>();
  return {
    ...original,
    desktopHostConfig: () => ({ listenIp: '127.0.0.1', announcedIp: '127.0.0.1', httpPort: 0, rtcPort: 0, workers: 1, tls: false, discovery: false, dataDir: electron.userData }),
  };
});

const fp = 'cd'.repeat(32);
const appPage = { sender: { id: 1 }, senderFrame: { url: 'app://roundtable/index.html', parent: null } };
const invoke = (channel: string, arg?: unknown) => electron.handlers.get(channel)!(appPage, arg);
const { app } = electron.module;

afterAll(() => fs.rmSync(electron.userData, { recursive: true, force: true }));

describe('electron/main/index.ts lifecycle (Electron mocked)', () => {
  it('sets up before ready: scheme, switches, single-instance lock, protocol client', async () => {
    app.emit('open-url', { preventDefault: vi.fn() }, `roundtable://10.0.0.5:4443/early?fp=${fp}`);
    await import('./index');
    expect(electron.module.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    expect(app.commandLine.appendSwitch).toHaveBeenCalledWith('enable-features', 'WebRTCPipeWireCapturer,PulseaudioLoopbackForScreenShare');
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(app.enableSandbox).toHaveBeenCalled();
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('roundtable');
    expect(electron.windows).toHaveLength(0); // nothing before 'ready'
    // A link that arrives before 'ready' (macOS open-url) is kept.
    app.emit('open-url', { preventDefault: vi.fn() }, `roundtable://10.0.0.6:4443/also-early?fp=${fp}`);
  });

  it('on ready: one secure window on app://, every IPC channel, session guards installed', async () => {
    electron.ready();
    await vi.waitFor(() => expect(electron.windows).toHaveLength(1));
    const window = electron.windows[0]!;
    expect(window.loaded).toEqual(['app://roundtable/index.html']);
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect([...electron.handlers.keys()].sort()).toEqual([...invokeChannelNames].sort());
    for (const installed of Object.values(electron.session).filter((v) => typeof v === 'function')) expect(installed).toHaveBeenCalled();
    expect(electron.session.webRequest.onHeadersReceived).toHaveBeenCalled();
  });

  it('hands early links to the page when it subscribes, later ones as events', async () => {
    // open-url before import is lost (no listener yet); the one after import was kept.
    expect(await invoke('links:subscribe')).toEqual({ ok: true, data: [{ url: `https://10.0.0.6:4443/?room=also-early&fp=${fp}` }] });
    app.emit('second-instance', {}, ['/opt/Roundtable/roundtable', '--no-sandbox', `roundtable://10.0.0.7:4443/standup?fp=${fp}`], '/');
    expect(electron.windows[0]!.webContents.sent).toContainEqual(['links:open', { url: `https://10.0.0.7:4443/?room=standup&fp=${fp}` }]);
    app.emit('second-instance', {}, ['/opt/Roundtable/roundtable', 'roundtable://user@evil/x'], '/');
    expect(electron.windows[0]!.webContents.sent.at(-1)).toEqual(['app:notice', expect.objectContaining({ level: 'warning' })]);
  });

  it('a link that arrives pins nothing: the certificate is checked only on an explicit Join', async () => {
    const proc = electron.session.setCertificateVerifyProc.mock.calls.at(-1)![0] as (
      request: { hostname: string; certificate: { data: string } },
      callback: (result: number) => void,
    ) => void;
    const verdict = await new Promise<number>((resolve) => proc({ hostname: '10.0.0.7', certificate: { data: 'any other certificate' } }, resolve));
    expect(verdict).toBe(-3); // not pinned: Chromium decides
    const file = JSON.parse(fs.readFileSync(path.join(electron.userData, 'settings.json'), 'utf8'));
    expect(file.certificatePins ?? {}).toEqual({});
  });

  it('events go to the app page only, never to a meeting host page shown in the window', () => {
    const contents = electron.windows[0]!.webContents;
    const before = contents.sent.length;
    contents.url = 'https://10.0.0.7:4443/?room=standup';
    app.emit('second-instance', {}, ['/opt/Roundtable/roundtable', `roundtable://10.0.0.8:4443/other?fp=${fp}`], '/');
    expect(contents.sent.length).toBe(before);
    contents.url = 'app://roundtable/index.html';
  });

  it('every webContents created later gets the navigation and new-window guards', () => {
    const later = new electron.WebContents();
    app.emit('web-contents-created', {}, later);
    expect(later.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    expect(later.listenerCount('will-navigate')).toBe(1);
    expect(later.listenerCount('will-attach-webview')).toBe(1);
    // The main window's contents were guarded once, not twice.
    expect(electron.windows[0]!.webContents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
  });

  it('the tray follows the meeting the page reports, and its Mute goes to the page', async () => {
    expect(electron.trays).toHaveLength(1);
    const tray = electron.trays[0]!;
    expect(tray.tooltip).toBe('Roundtable: Not in a meeting');
    expect(await invoke('meeting:state', { inMeeting: true, hosting: false, muted: true, sharing: false, roomId: 'standup' })).toEqual({ ok: true, data: null });
    expect(tray.tooltip).toBe('Roundtable: In a meeting “standup” (muted)');
    tray.menu.find((item) => item.label === 'Unmute')!.click!();
    expect(electron.windows[0]!.webContents.sent.at(-1)).toEqual(['meeting:command', { command: 'toggleMute' }]);
    // Updates are off outside the installed app, and say so.
    expect(await invoke('updates:status')).toEqual({ ok: true, data: { state: 'disabled', message: 'updates work in the installed app only', canRestart: false } });
    await invoke('meeting:state', { inMeeting: false, hosting: false, muted: false, sharing: false });
  });

  it('keeps preferences in the settings file', async () => {
    expect(await invoke('preferences:set', { displayName: 'Ada' })).toEqual({ ok: true, data: { displayName: 'Ada' } });
    const file = JSON.parse(fs.readFileSync(path.join(electron.userData, 'settings.json'), 'utf8'));
    expect(file).toMatchObject({ version: 1, displayName: 'Ada' });
    expect(file.recentMeetings.map((m: { roomId: string }) => m.roomId)).toEqual(['other', 'standup', 'also-early']);
  });

  it('quitting stops the embedded host first, then quits', async () => {
    const started = (await invoke('hosting:start', { roomId: 'standup' })) as { ok: boolean; data: { baseUrl: string } };
    expect(started.ok).toBe(true);
    expect((await fetch(`${started.data.baseUrl}/api/health`)).status).toBe(200);
    const quit = new Promise<void>((resolve) => app.once('quit', () => resolve()));
    app.quit();
    await quit;
    expect(await invoke('hosting:status')).toEqual({ ok: true, data: null });
    await expect(fetch(`${started.data.baseUrl}/api/health`, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
    expect(app.quit).toHaveBeenCalledTimes(2); // ours, then index.ts's after the host stopped
  });

  it('a second instance without the lock quits at once and opens no window', async () => {
    vi.resetModules();
    app.gotLock = false;
    app.quit.mockClear();
    const before = electron.windows.length;
    await import('./index');
    expect(app.quit).toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(electron.windows).toHaveLength(before);
  });
});

