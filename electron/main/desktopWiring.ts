import fs from 'node:fs';
import path from 'node:path';
import type { App, BrowserWindow, BrowserWindowConstructorOptions, Dialog, Menu, NativeImage, Notification, Tray } from 'electron';
import type { EventChannel, EventPayload, MeetingCommand, UpdateStatus } from '../../shared/ipc';
import { DesktopIntegration } from './desktop';
import type { MiniWindowLike } from './miniWindow';
import type { SettingsStore } from './settings';
import { resolveFeedUrl } from './updates';
import { secureWebPreferences } from './window';

export interface DesktopWiring {
  app: Pick<App, 'isPackaged' | 'getAppPath' | 'quit'>;
  /** undefined outside Electron (tests). */
  resourcesPath: string | undefined;
  platform: NodeJS.Platform;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  Tray: new (image: NativeImage) => Tray;
  Menu: Pick<typeof Menu, 'buildFromTemplate'>;
  Notification: (new (options: { title: string; body: string; silent: boolean }) => Notification) & { isSupported(): boolean };
  nativeImage: { createFromPath(path: string): NativeImage };
  dialog: Pick<Dialog, 'showMessageBox'>;
  settings: SettingsStore;
  preloadPath: string;
  appUrl: string;
  mainWindow: () => BrowserWindow | undefined;
  focusMain: () => void;
  sendToApp<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  onError: (error: unknown) => void;
}

/** The tray icon: shipped beside the app (extraResources) when packaged, build/ in development. */
function trayIconPath(wiring: DesktopWiring): string {
  return wiring.app.isPackaged && wiring.resourcesPath ? path.join(wiring.resourcesPath, 'tray-icon.png') : path.join(wiring.app.getAppPath(), 'build', 'icon.png');
}

/** Builds the DesktopIntegration from Electron's real objects (index.ts calls this on ready). */
export function createDesktopIntegration(wiring: DesktopWiring): DesktopIntegration {
  const installerFeed = wiring.resourcesPath !== undefined && fs.existsSync(path.join(wiring.resourcesPath, 'app-update.yml'));
  const feed = resolveFeedUrl(wiring.settings.get().updateUrl, installerFeed);
  const updatesOff = !wiring.app.isPackaged ? 'updates work in the installed app only' : feed.disabled;
  return new DesktopIntegration({
    mainWindow: wiring.mainWindow,
    createTray() {
      let tray: Tray;
      try {
        tray = new wiring.Tray(wiring.nativeImage.createFromPath(trayIconPath(wiring)).resize({ width: 16, height: 16 }));
      } catch (error) {
        wiring.onError(error); // some Linux desktops have no tray
        return undefined;
      }
      tray.on('click', wiring.focusMain);
      return {
        setToolTip: (text) => tray.setToolTip(text),
        setMenu: (items) => tray.setContextMenu(wiring.Menu.buildFromTemplate(items)),
      };
    },
    notifications: {
      isSupported: () => wiring.Notification.isSupported(),
      show(options, onClick) {
        const notification = new wiring.Notification(options);
        notification.on('click', onClick);
        notification.show();
      },
    },
    openMiniWindow(): MiniWindowLike {
      const window = new wiring.BrowserWindow({
        width: 320,
        height: 200,
        resizable: false,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        skipTaskbar: true,
        show: false,
        title: 'Roundtable: sharing',
        backgroundColor: '#111318',
        webPreferences: secureWebPreferences(wiring.preloadPath),
      });
      void window.loadURL(`${wiring.appUrl}#mini`).catch(wiring.onError);
      return window;
    },
    sendToMini(window, state) {
      const contents = (window as BrowserWindow).webContents;
      if (!contents.isDestroyed()) contents.send('meeting:changed', state);
    },
    sendCommand: (command: MeetingCommand) => wiring.sendToApp('meeting:command', command),
    sendUpdateStatus: (status: UpdateStatus) => wiring.sendToApp('updates:changed', status),
    loadUpdater: updatesOff
      ? undefined
      : async () => (await import('electron-updater')).default.autoUpdater,
    feedUrl: feed.url,
    updatesDisabledReason: updatesOff,
    notificationsEnabled: () => wiring.settings.get().notifications,
    dialog: wiring.dialog,
    focusMain: wiring.focusMain,
    quit: () => wiring.app.quit(),
    onError: wiring.onError,
  });
}
