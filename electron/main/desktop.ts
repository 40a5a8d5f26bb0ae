import type { BrowserWindow, Dialog } from 'electron';
import type { MeetingCommand, MeetingState, NotificationRequest, UpdateStatus } from '../../shared/ipc';
import { askCloseDuringMeeting, mustAskOnClose } from './closeGuard';
import { MiniWindowController, type MiniWindowLike } from './miniWindow';
import { Notifier, type NotificationPort } from './notifications';
import { idleMeeting, TrayController, type TrayAction, type TrayPort } from './trayMenu';
import { UpdateController, type UpdaterPort } from './updates';

export interface DesktopOptions {
  mainWindow: () => BrowserWindow | undefined;
  /** Tray icon with menu (undefined where the desktop has no tray). */
  createTray: () => TrayPort | undefined;
  notifications: NotificationPort;
  openMiniWindow: () => MiniWindowLike;
  sendToMini: (window: MiniWindowLike, state: MeetingState) => void;
  sendCommand: (command: MeetingCommand) => void;
  sendUpdateStatus: (status: UpdateStatus) => void;
  loadUpdater: (() => Promise<UpdaterPort>) | undefined;
  feedUrl?: string;
  updatesDisabledReason?: string;
  notificationsEnabled: () => boolean;
  dialog: Pick<Dialog, 'showMessageBox'>;
  focusMain: () => void;
  quit: () => void;
  onError: (error: unknown) => void;
}

/**
 * The desktop app's life on the desktop, driven by one input, the meeting state the page reports:
 * tray menu, mini window while sharing, notifications when unfocused, updates never mid-meeting,
 * and what closing the window does during a meeting.
 */
export class DesktopIntegration {
  readonly updates: UpdateController;
  readonly #options: DesktopOptions;
  readonly #tray: TrayController | undefined;
  readonly #mini: MiniWindowController;
  readonly #notifier: Notifier;
  #meeting: MeetingState = idleMeeting;

  constructor(options: DesktopOptions) {
    this.#options = options;
    const trayPort = options.createTray();
    this.#tray = trayPort && new TrayController(trayPort, (action) => this.#onTrayAction(action));
    this.#mini = new MiniWindowController({
      open: options.openMiniWindow,
      protectMain: (enable) => {
        const main = options.mainWindow();
        if (main && !main.isDestroyed()) main.setContentProtection(enable);
      },
      send: options.sendToMini,
    });
    this.#notifier = new Notifier({
      port: options.notifications,
      isWindowFocused: () => options.mainWindow()?.isFocused() ?? false,
      enabled: options.notificationsEnabled,
      focusWindow: options.focusMain,
    });
    this.updates = new UpdateController({
      loadUpdater: options.loadUpdater,
      feedUrl: options.feedUrl,
      disabledReason: options.updatesDisabledReason,
      isInMeeting: () => this.#meeting.inMeeting || this.#meeting.hosting,
      onChange: options.sendUpdateStatus,
      onError: options.onError,
    });
  }

  get meeting(): MeetingState {
    return this.#meeting;
  }

  setMeeting(state: MeetingState): void {
    this.#meeting = state;
    this.#tray?.update(state);
    this.#mini.update(state);
    this.updates.meetingChanged();
  }

  notify(request: NotificationRequest): boolean {
    return this.#notifier.show(request);
  }

  /**
   * The main window's 'close': during a meeting, ask first. Answers true when the close was
   * stopped (the caller then calls preventDefault).
   */
  interceptClose(window: BrowserWindow, quitting: boolean): boolean {
    if (!mustAskOnClose(this.#meeting, quitting) || !this.#tray) return false;
    const asked = this.#meeting;
    void askCloseDuringMeeting({ ask: async (options) => (await this.#options.dialog.showMessageBox(window, { type: 'question', ...options })).response }, asked)
      .then((choice) => {
        if (choice === 'tray') window.hide();
        if (choice !== 'leave') return;
        if (asked.hosting) return this.#options.quit(); // quitting asks whether to end the meeting for everyone
        this.#options.sendCommand({ command: 'leave' });
        this.#meeting = { ...this.#meeting, inMeeting: false };
        window.close();
      })
      .catch(this.#options.onError);
    return true;
  }

  /** A command from the mini window's buttons. */
  act(command: MeetingCommand['command'] | 'show'): void {
    if (command === 'show') return this.#options.focusMain();
    this.#options.sendCommand({ command });
  }

  #onTrayAction(action: TrayAction): void {
    if (action === 'show') return this.#options.focusMain();
    if (action === 'quit') return this.#options.quit();
    this.#options.sendCommand({ command: action });
  }
}
