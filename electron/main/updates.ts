import type { UpdateStatus } from '../../shared/ipc';
import { IpcFailure } from './ipc';

/** The part of electron-updater's autoUpdater this controller drives (tests pass an EventEmitter). */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(): void;
  on(event: 'checking-for-update' | 'update-not-available', listener: () => void): unknown;
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export const dailyMs = 24 * 60 * 60 * 1000;

/**
 * Where updates come from: the URL in settings (an office's own server) wins over the one the
 * installer baked in (electron-builder's app-update.yml). Only https: an update is code.
 */
export function resolveFeedUrl(fromSettings: string | undefined, installerHasFeed: boolean): { url?: string; disabled?: string } {
  if (fromSettings) {
    try {
      const url = new URL(fromSettings);
      if (url.protocol !== 'https:' || url.username || url.password) return { disabled: 'the update URL must be https' };
      return { url: url.toString() };
    } catch {
      return { disabled: 'the update URL is not a URL' };
    }
  }
  return installerHasFeed ? {} : { disabled: 'no update server is configured' };
}

export interface UpdateControllerOptions {
  /** Loads electron-updater (lazily: it only works in the packaged app); undefined: updates are off for `disabledReason`. */
  loadUpdater: (() => Promise<UpdaterPort>) | undefined;
  feedUrl?: string;
  disabledReason?: string;
  isInMeeting: () => boolean;
  onChange: (status: UpdateStatus) => void;
  onError?: (error: unknown) => void;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

type State = Omit<UpdateStatus, 'canRestart'>;

/**
 * Checks on start and daily, downloads in the background, and offers "Restart to update" only
 * when no meeting is on: an update never ends a meeting. Installing on quit stays on, so an update
 * that was never restarted into lands the next time the app is closed.
 */
export class UpdateController {
  readonly #options: UpdateControllerOptions;
  #state: State;
  #timer: unknown;
  #updater: UpdaterPort | undefined;
  #started = false;

  constructor(options: UpdateControllerOptions) {
    this.#options = options;
    this.#state = options.loadUpdater ? { state: 'idle' } : { state: 'disabled', message: options.disabledReason ?? 'updates are off' };
  }

  #wire(updater: UpdaterPort): void {
    const options = this.#options;
    this.#updater = updater;
    updater.autoDownload = true;
    updater.autoInstallOnAppQuit = true;
    if (options.feedUrl) updater.setFeedURL({ provider: 'generic', url: options.feedUrl });
    updater.on('checking-for-update', () => this.#set({ state: 'checking' }));
    updater.on('update-not-available', () => this.#set({ state: 'idle' }));
    updater.on('update-available', (info) => this.#set({ state: 'downloading', version: info.version, percent: 0 }));
    updater.on('download-progress', (progress) => {
      if (this.#state.state === 'downloading') this.#set({ ...this.#state, percent: Math.max(0, Math.min(100, progress.percent)) });
    });
    updater.on('update-downloaded', (info) => this.#set({ state: 'ready', version: info.version }));
    updater.on('error', (error) => {
      options.onError?.(error);
      // A failed check must not hide an update that is already downloaded.
      if (this.#state.state !== 'ready') this.#set({ state: 'error', message: error.message });
    });
  }

  status(): UpdateStatus {
    return { ...this.#state, canRestart: this.#state.state === 'ready' && !this.#options.isInMeeting() };
  }

  /** Loads the updater, checks now and then daily. */
  start(): Promise<void> {
    const load = this.#options.loadUpdater;
    if (!load || this.#started) return Promise.resolve();
    this.#started = true;
    return load().then(
      (updater) => {
        this.#wire(updater);
        this.check();
        this.#timer = (this.#options.setInterval ?? setInterval)(() => this.check(), dailyMs);
      },
      (error: unknown) => {
        this.#options.onError?.(error);
        this.#set({ state: 'disabled', message: 'the updater could not be loaded' });
      },
    );
  }

  stop(): void {
    if (this.#timer !== undefined) (this.#options.clearInterval ?? ((handle) => clearInterval(handle as NodeJS.Timeout)))(this.#timer);
    this.#timer = undefined;
  }

  check(): void {
    const updater = this.#updater;
    if (!updater || this.#state.state === 'checking' || this.#state.state === 'downloading' || this.#state.state === 'ready') return;
    updater.checkForUpdates().catch((error: unknown) => {
      this.#options.onError?.(error);
      if (this.#state.state !== 'ready') this.#set({ state: 'error', message: error instanceof Error ? error.message : String(error) });
    });
  }

  /** The meeting started or ended: whether "Restart to update" may show has changed. */
  meetingChanged(): void {
    this.#options.onChange(this.status());
  }

  restart(): void {
    if (this.#state.state !== 'ready') throw new IpcFailure('not_found', 'no update is ready to install');
    if (this.#options.isInMeeting()) throw new IpcFailure('unavailable', 'leave the meeting before restarting to update');
    this.#updater?.quitAndInstall();
  }

  #set(state: State): void {
    this.#state = state;
    this.#options.onChange(this.status());
  }
}
