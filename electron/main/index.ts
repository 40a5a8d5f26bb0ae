/**
 * Electron main: lifecycle and wiring only. Every decision lives in a module that takes
 * Electron's objects as parameters (and is unit-tested without Electron).
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  desktopCapturer,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  protocol,
  screen,
  session,
  shell,
  systemPreferences,
  Tray,
} from 'electron';
import Store from 'electron-store';
import type { Discovery } from '../host/discovery';
import { createLogger } from '../host/logger';
import { createHandlers } from './api';
import { appScheme, serveAppProtocol } from './appProtocol';
import { systemAudioLoopback } from './audioLoopback';
import { linuxCaptureFeatures, ScreenCapture } from './capture';
import { CertificatePins, installCertificatePinning } from './certificates';
import { contentSecurityPolicy, installCsp } from './csp';
import { findLinkInArgv, LINK_SCHEME } from './deeplink';
import { confirmStopHosting, showWarning } from './dialogs';
import { createDesktopIntegration } from './desktopWiring';
import { DiscoveryFeed } from './discovery';
import { desktopHostConfig, HostingService, startRealHost } from './hosting';
import { createAppSender, createDispatcher, registerIpc } from './ipc';
import { JoinTrust } from './joinTrust';
import { LinkInbox } from './links';
import { RecordingFiles } from './recordingFiles';
import { configureMediasoupWorker } from './mediasoupWorker';
import { APP_URL, TrustedOrigins } from './origins';
import { installPermissionHandlers } from './permissions';
import { SettingsStore, type KeyValueStore } from './settings';
import { probeCertificate } from './tlsProbe';
import { createMainWindow, currentBounds, guardEveryWebContents } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));
const logger = createLogger(process.env.ROUNDTABLE_LOG_LEVEL ?? 'info');

// Before anything imports electron/host (mediasoup reads this when it loads).
configureMediasoupWorker(process.env, { isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, platform: process.platform });

// Before 'ready': Chromium switches and privileged schemes are fixed at startup.
const loopback = systemAudioLoopback(process.platform, os.release());
const features = [...linuxCaptureFeatures(process.platform), ...loopback.features];
if (features.length > 0) app.commandLine.appendSwitch('enable-features', features.join(','));
protocol.registerSchemesAsPrivileged([appScheme]);
app.enableSandbox(); // every renderer, including any a future feature opens
if (process.platform === 'win32') app.setAppUserModelId('app.roundtable.desktop');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  run();
}

function run(): void {
  // Development only: the Vite dev server; the packaged app always uses app://roundtable.
  const devUrl = app.isPackaged ? undefined : process.env.ROUNDTABLE_RENDERER_URL;
  const appUrl = devUrl ?? APP_URL;
  const rendererRoot = path.join(app.getAppPath(), 'dist', 'renderer');
  const preloadPath = path.join(here, '..', 'preload', 'index.cjs');

  if (process.defaultApp && process.argv[1]) {
    app.setAsDefaultProtocolClient(LINK_SCHEME, process.execPath, [path.resolve(process.argv[1])]);
  } else {
    app.setAsDefaultProtocolClient(LINK_SCHEME);
  }

  // macOS delivers links through open-url, possibly before 'ready'.
  const earlyLinks: string[] = [];
  let links: LinkInbox | undefined;
  const openLink = (url: string) => (links ? links.open(url) : earlyLinks.push(url));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openLink(url);
  });
  const firstLaunchLink = findLinkInArgv(process.argv);
  if (firstLaunchLink) earlyLinks.push(firstLaunchLink);

  let window: BrowserWindow | undefined;
  let quitting = false;

  // Windows and Linux start a second process for a link; it hands its argv over and exits.
  app.on('second-instance', (_event, argv) => {
    const link = findLinkInArgv(argv);
    if (link) openLink(link);
    focus(window);
  });

  app
    .whenReady()
    .then(onReady)
    .catch((error: unknown) => {
      logger.fatal({ err: error }, 'startup failed');
      dialog.showErrorBox('Roundtable could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });

  function onReady(): void {
    const ses = session.defaultSession;
    const origins = new TrustedOrigins(appUrl);
    const settings = SettingsStore.open({
      file: path.join(app.getPath('userData'), 'settings.json'),
      create: (): KeyValueStore => new Store<Record<string, unknown>>({ name: 'settings' }),
    });
    const sendEvent = createAppSender(() => window?.webContents, (url) => origins.isAppPage(url));
    const openExternal = (url: string) => void shell.openExternal(url).catch((error: unknown) => logger.warn({ err: error }, 'openExternal failed'));
    guardEveryWebContents(app, origins, openExternal);
    const csp = contentSecurityPolicy({ dev: devUrl !== undefined });
    installCsp(ses, (url) => origins.isAppPage(url), csp);
    serveAppProtocol(protocol, (url) => net.fetch(url), rendererRoot, csp);
    installPermissionHandlers(ses, origins);

    const pins = new CertificatePins(settings.pinStorage());
    const warned = new Set<string>();
    const pinning = installCertificatePinning(ses, app, {
      pins,
      onMismatch(hostname, message) {
        logger.warn({ hostname }, 'pinned certificate mismatch');
        sendEvent('app:notice', { level: 'error', message });
        if (!warned.has(message)) {
          warned.add(message);
          showWarning(dialog, window, 'This meeting host could not be verified', message);
        }
      },
    });
    const joinTrust = new JoinTrust({
      pins,
      probe: (hostname, port) => probeCertificate(hostname, port),
      onPinsChanged: () => pinning.refresh(),
      trustOrigin: (url) => origins.addMeetingHost(url),
    });

    const capture = new ScreenCapture({
      getSources: (options) => desktopCapturer.getSources(options),
      platform: process.platform,
      systemAudio: loopback,
      ...(process.platform === 'darwin' ? { mediaAccessStatus: (type: 'screen') => systemPreferences.getMediaAccessStatus(type) } : {}),
      announce: (request) => sendEvent('screen:request', request),
      isTrusted: (url) => origins.isTrusted(url),
    });
    ses.setDisplayMediaRequestHandler(capture.handleRequest);

    const hosting = new HostingService({
      startHost: startRealHost,
      config: () =>
        desktopHostConfig(settings.get(), { dataDir: path.join(app.getPath('userData'), 'host'), webRoot: rendererRoot }),
      confirmStop: (peers) => confirmStopHosting(dialog, window, peers),
      onStarted(host) {
        // Our own certificate: trusted for this run, never kept as a pin (it is ours to change).
        if (host.tls) {
          pins.trustOwnHost(host.baseUrl, host.tls.fingerprint);
          pinning.refresh();
        }
        origins.addMeetingHost(host.baseUrl);
      },
      onStopped(host) {
        pins.forgetOwnHost(host.baseUrl);
        origins.removeMeetingHost(host.baseUrl);
      },
    });

    let lanDiscovery: Promise<Discovery> | undefined;
    const discovery = new DiscoveryFeed(
      () => (listener) => {
        let stop: (() => void) | undefined;
        let stopped = false;
        lanDiscovery ??= import('../host/discovery').then(({ Discovery }) => new Discovery({ logger }));
        void lanDiscovery.then((lan) => {
          if (!stopped) stop = lan.browse(listener);
        });
        return () => {
          stopped = true;
          stop?.();
        };
      },
      (meetings) => sendEvent('discovery:changed', meetings),
    );

    links = new LinkInbox({
      // Nothing is trusted when a link arrives: its pin is taken only when the user presses Join.
      accept(link) {
        settings.addRecentMeeting({ url: link.url, roomId: link.roomId });
        focus(window);
      },
      reject(raw) {
        logger.warn({ link: raw.slice(0, 200) }, 'ignored a malformed meeting link');
        sendEvent('app:notice', { level: 'warning', message: 'That link is not a valid Roundtable meeting link.' });
      },
      deliver: (link) => sendEvent('links:open', link),
    });

    const desktop = createDesktopIntegration({
      app,
      resourcesPath: process.resourcesPath,
      platform: process.platform,
      BrowserWindow,
      Tray,
      Menu,
      Notification,
      nativeImage,
      dialog,
      settings,
      preloadPath,
      appUrl,
      mainWindow: () => window,
      focusMain: () => (window ? focus(window) : openWindow()),
      sendToApp: sendEvent,
      onError: (error) => logger.warn({ err: error }, 'desktop integration'),
    });
    void desktop.updates.start();
    const recordings = new RecordingFiles({
      videosDir: () => app.getPath('videos'),
      async choosePath(defaultPath) {
        const options = { title: 'Save the meeting recording', defaultPath, filters: [{ name: 'WebM video', extensions: ['webm'] }] };
        const result = window && !window.isDestroyed() ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
        return result.canceled ? undefined : result.filePath;
      },
    });

    const dispatch = createDispatcher({
      handlers: createHandlers({
        appInfo: () => ({
          name: app.getName(),
          version: app.getVersion(),
          platform: process.platform,
          arch: process.arch,
          isPackaged: app.isPackaged,
          versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node },
        }),
        hosting,
        discovery,
        capture,
        settings,
        links,
        recordings,
        openExternal: (url) => shell.openExternal(url),
        joinTrust,
        desktop: {
          updates: desktop.updates,
          notify: (request) => desktop.notify(request),
          act: (command) => desktop.act(command),
          // What main knows better than the page: whether this app hosts a meeting.
          setMeeting: (state) => desktop.setMeeting({ ...state, hosting: state.hosting || hosting.running }),
        },
      }),
      isAppPage: (url) => origins.isAppPage(url),
      onInternalError: (channel, error) => logger.error({ channel, err: error }, 'IPC handler failed'),
    });
    registerIpc(ipcMain, dispatch);

    const openWindow = () => {
      window = createMainWindow({
        BrowserWindow,
        preloadPath,
        url: appUrl,
        origins,
        bounds: settings.get().windowBounds,
        workAreas: screen.getAllDisplays().map((display) => display.workArea),
        openExternal,
      });
      const current = window;
      // A new page (reload, crash) must subscribe again; what the old one waited for is void.
      const forgetPage = () => {
        links?.reset();
        discovery.unsubscribe();
        capture.cancelPending();
      };
      current.webContents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) forgetPage();
      });
      current.webContents.on('render-process-gone', forgetPage);
      current.on('close', (event) => {
        settings.update((s) => ({ ...s, windowBounds: currentBounds(current) }));
        // During a meeting: leave, or keep running in the tray?
        if (desktop.interceptClose(current, quitting)) return event.preventDefault();
        // Closing the last window quits on Windows/Linux: ask about the meeting first (before-quit).
        if (!quitting && hosting.running && process.platform !== 'darwin') {
          event.preventDefault();
          app.quit();
        }
      });
      current.on('closed', () => {
        if (window === current) window = undefined;
        forgetPage();
      });
      if (settings.notice) {
        current.once('ready-to-show', () => showWarning(dialog, current, 'Settings reset', settings.notice));
      }
    };
    openWindow();
    for (const url of earlyLinks.splice(0)) links.open(url);

    app.on('activate', () => {
      if (!window) openWindow();
    });
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('before-quit', (event) => {
      if (quitting) return;
      event.preventDefault();
      void hosting
        .stop()
        .catch((error: unknown) => {
          logger.error({ err: error }, 'stopping the host failed');
          return { stopped: true };
        })
        .then(async ({ stopped }) => {
          if (!stopped) return;
          quitting = true;
          discovery.unsubscribe();
          await recordings.closeAll();
          await lanDiscovery?.then((lan) => lan.close()).catch(() => undefined);
          app.quit();
        });
    });
  }
}

function focus(window: BrowserWindow | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
