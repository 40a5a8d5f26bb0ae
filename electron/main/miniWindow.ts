import type { MeetingState } from '../../shared/ipc';

/** What the controller needs of a BrowserWindow (tests pass a recording fake). */
export interface MiniWindowLike {
  showInactive(): void;
  close(): void;
  isDestroyed(): boolean;
  setAlwaysOnTop(flag: boolean, level?: 'floating' | 'screen-saver'): void;
  setContentProtection(enable: boolean): void;
  once(event: 'closed', listener: () => void): unknown;
}

export interface MiniWindowOptions {
  open: () => MiniWindowLike;
  /**
   * Keeps the main window out of screen captures while sharing (setContentProtection: honoured on
   * Windows and macOS, a no-op on Linux), so sharing a whole screen does not show the app's own
   * picture of that screen inside itself.
   */
  protectMain: (enable: boolean) => void;
  /** The mini window's page wants the meeting state; called whenever it changes. */
  send: (window: MiniWindowLike, state: MeetingState) => void;
}

/**
 * The always-on-top mini window while the user shares their screen: it opens when sharing starts,
 * closes when sharing stops or the meeting ends, and is not forced open again if the user closed
 * it during the same share. It is itself excluded from capture, like the main window.
 */
export class MiniWindowController {
  readonly #options: MiniWindowOptions;
  #window: MiniWindowLike | undefined;
  #dismissedThisShare = false;
  #sharing = false;

  constructor(options: MiniWindowOptions) {
    this.#options = options;
  }

  get open(): boolean {
    return this.#window !== undefined && !this.#window.isDestroyed();
  }

  update(state: MeetingState): void {
    const sharing = state.inMeeting && state.sharing;
    if (sharing && !this.#sharing) this.#dismissedThisShare = false;
    if (sharing !== this.#sharing) this.#options.protectMain(sharing);
    this.#sharing = sharing;
    if (!sharing) return this.#close();
    if (!this.open && !this.#dismissedThisShare) this.#openWindow();
    if (this.#window && this.open) this.#options.send(this.#window, state);
  }

  #openWindow(): void {
    const window = this.#options.open();
    this.#window = window;
    window.setAlwaysOnTop(true, 'floating');
    window.setContentProtection(true);
    window.once('closed', () => {
      if (this.#window !== window) return;
      this.#window = undefined;
      if (this.#sharing) this.#dismissedThisShare = true;
    });
    window.showInactive();
  }

  #close(): void {
    const window = this.#window;
    this.#window = undefined;
    if (window && !window.isDestroyed()) window.close();
  }
}
