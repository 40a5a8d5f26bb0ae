import type { App, BrowserWindow, BrowserWindowConstructorOptions, Rectangle, WebContents } from 'electron';
import { decideNavigation, decideWindowOpen, safeExternalUrl } from './navigation';
import type { TrustedOrigins } from './origins';
import type { WindowBounds } from './settings';

export interface MainWindowOptions {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  preloadPath: string;
  url: string;
  origins: TrustedOrigins;
  bounds?: WindowBounds;
  /** Work areas of the connected displays, to drop bounds saved on a monitor that is gone. */
  workAreas: Rectangle[];
  icon?: string;
  openExternal: (url: string) => void;
}

const defaultSize = { width: 1280, height: 800 };

/** Saved bounds if their top-left area is still on some display; otherwise size only (centred). */
export function restoreBounds(saved: WindowBounds | undefined, workAreas: Rectangle[]): Partial<Rectangle> & { width: number; height: number } {
  if (!saved) return defaultSize;
  const { x, y, width, height } = saved;
  if (x === undefined || y === undefined) return { width, height };
  const visible = workAreas.some((area) => x + 100 > area.x && y + 40 > area.y && x + 100 < area.x + area.width && y + 40 < area.y + area.height);
  return visible ? { x, y, width, height } : { width, height };
}

export function secureWebPreferences(preloadPath: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    nodeIntegrationInWorker: false,
    experimentalFeatures: false,
    enableWebSQL: false,
    plugins: false,
    // A page looping alert() cannot lock the user out of the window.
    safeDialogs: true,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

const guarded = new WeakSet<WebContents>();

/** Keeps the window on the app and meeting-host origins; other web links go to the browser. */
export function guardNavigation(webContents: WebContents, origins: TrustedOrigins, openExternal: (url: string) => void): void {
  if (guarded.has(webContents)) return; // once per webContents: twice would open links twice
  guarded.add(webContents);
  const onNavigate = (event: { url: string; preventDefault(): void }) => {
    const decision = decideNavigation(event.url, origins);
    if (decision === 'allow') return;
    event.preventDefault();
    const safe = decision === 'external' ? safeExternalUrl(event.url) : undefined;
    if (safe) openExternal(safe);
  };
  webContents.on('will-navigate', onNavigate);
  webContents.on('will-redirect', onNavigate);
  webContents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !origins.isTrusted(event.url)) event.preventDefault();
  });
  webContents.setWindowOpenHandler(({ url }) => {
    const safe = decideWindowOpen(url) === 'external' ? safeExternalUrl(url) : undefined;
    if (safe) openExternal(safe);
    return { action: 'deny' };
  });
  webContents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Every webContents the app ever creates (windows added later, devtools, anything a library opens)
 * gets the same navigation, new-window and webview guards as the main window.
 */
export function guardEveryWebContents(app: Pick<App, 'on'>, origins: TrustedOrigins, openExternal: (url: string) => void): void {
  app.on('web-contents-created', (_event, contents) => guardNavigation(contents, origins, openExternal));
}

/** The one app window: sandboxed, isolated, no Node, its navigation guarded. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new options.BrowserWindow({
    ...restoreBounds(options.bounds, options.workAreas),
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Roundtable',
    backgroundColor: '#111318',
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  if (options.bounds?.maximized) window.maximize();
  guardNavigation(window.webContents, options.origins, options.openExternal);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.url);
  return window;
}

export function currentBounds(window: BrowserWindow): WindowBounds {
  const { x, y, width, height } = window.getNormalBounds();
  return { x, y, width, height, maximized: window.isMaximized() };
}
