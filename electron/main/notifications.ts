import type { NotificationRequest } from '../../shared/ipc';

export interface NotificationPort {
  isSupported(): boolean;
  /** Shows an OS notification; `onClick` brings the window back. */
  show(options: { title: string; body: string; silent: boolean }, onClick: () => void): void;
}

export interface NotifierOptions {
  port: NotificationPort;
  isWindowFocused: () => boolean;
  /** The user's own switch (settings); the OS's "Do not disturb" / Focus is applied by the OS itself. */
  enabled: () => boolean;
  focusWindow: () => void;
  /** At most one notification per kind per this many ms (a busy chat must not flood the desktop). */
  minIntervalMs?: number;
  now?: () => number;
}

/** Collapses whitespace and strips control and bidi/format characters: peers write these texts. */
export function plainText(text: string, max: number): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * OS notifications for chat messages and raised hands, only while the window is not focused.
 * "Do not disturb" needs nothing here: macOS Focus, Windows Focus Assist and the Linux
 * notification daemons hold back what the app posts, sound included.
 */
export class Notifier {
  readonly #options: NotifierOptions;
  readonly #last = new Map<NotificationRequest['kind'], number>();

  constructor(options: NotifierOptions) {
    this.#options = options;
  }

  show(request: NotificationRequest): boolean {
    const { port } = this.#options;
    if (!this.#options.enabled() || this.#options.isWindowFocused() || !port.isSupported()) return false;
    const now = (this.#options.now ?? Date.now)();
    const last = this.#last.get(request.kind);
    if (last !== undefined && now - last < (this.#options.minIntervalMs ?? 3_000)) return false;
    this.#last.set(request.kind, now);
    port.show({ title: plainText(request.title, 80), body: plainText(request.body, 200), silent: request.kind === 'chat' }, () => this.#options.focusWindow());
    return true;
  }
}
