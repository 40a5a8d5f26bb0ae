import type { DesktopCapturer, DesktopCapturerSource, Session, Streams, SystemPreferences } from 'electron';
import type { ScreenChoice, ScreenSource, ScreenSources } from '../../shared/ipc';
import { IpcFailure } from './ipc';

type DisplayMediaHandler = NonNullable<Parameters<Session['setDisplayMediaRequestHandler']>[0]>;
type DisplayMediaRequest = Parameters<DisplayMediaHandler>[0];
type DisplayMediaCallback = Parameters<DisplayMediaHandler>[1];

export interface CaptureOptions {
  getSources: DesktopCapturer['getSources'];
  platform: NodeJS.Platform;
  /** Whether system audio can be shared (audioLoopback.ts); Windows only when not given. */
  systemAudio?: { available: boolean; unavailableReason?: string };
  /** macOS only: systemPreferences.getMediaAccessStatus. */
  mediaAccessStatus?: SystemPreferences['getMediaAccessStatus'];
  /** Tells the app page to show its picker (webContents.send('screen:request', …)). */
  announce(request: ScreenSources): void;
  /** Which pages may ask for the screen at all. */
  isTrusted(url: string): boolean;
  /** An unanswered picker is cancelled after this long, so getDisplayMedia never hangs. */
  timeoutMs?: number;
}

export const screenRecordingHelp =
  'Roundtable is not allowed to record the screen. Open System Settings → Privacy & Security → Screen Recording, ' +
  'turn Roundtable on, then quit and reopen Roundtable.';

interface Pending {
  callback: DisplayMediaCallback;
  sources: Map<string, DesktopCapturerSource>;
  audioRequested: boolean;
  timer: NodeJS.Timeout;
}

/**
 * Screen sharing through the app's own picker: getDisplayMedia in the page reaches
 * `handleRequest`, which lists sources (with thumbnails) and announces them; the picker answers
 * with `choose`, which completes the pending request with the chosen source.
 */
export class ScreenCapture {
  readonly #options: CaptureOptions;
  #pending: Pending | undefined;

  constructor(options: CaptureOptions) {
    this.#options = options;
  }

  get audioAvailable(): boolean {
    return this.#options.systemAudio?.available ?? this.#options.platform === 'win32';
  }

  /** Sources and, on macOS without Screen Recording permission, why they may be blank. */
  async list(): Promise<{ list: ScreenSources; sources: Map<string, DesktopCapturerSource> }> {
    const found = await this.#options.getSources({ types: ['screen', 'window'], thumbnailSize: { width: 320, height: 180 } });
    const sources = new Map(found.map((source) => [source.id, source]));
    const problem = this.#problem();
    const list: ScreenSources = {
      sources: found.map(toScreenSource),
      audioAvailable: this.audioAvailable,
      ...(problem ? { problem } : {}),
      ...(!this.audioAvailable && this.#options.systemAudio?.unavailableReason ? { audioUnavailableReason: this.#options.systemAudio.unavailableReason } : {}),
    };
    return { list, sources };
  }

  readonly handleRequest = (request: DisplayMediaRequest, callback: DisplayMediaCallback): void => {
    if (!request.frame || !this.#options.isTrusted(request.frame.url) || !request.videoRequested) return callback(null);
    // A newer request replaces an unanswered one (the page asked again).
    this.cancelPending();
    this.list().then(
      ({ list, sources }) => {
        const timer = setTimeout(() => this.cancelPending(), this.#options.timeoutMs ?? 120_000);
        timer.unref?.();
        this.#pending = { callback, sources, audioRequested: request.audioRequested, timer };
        this.#options.announce(list);
      },
      () => callback(null),
    );
  };

  choose(choice: ScreenChoice): void {
    const pending = this.#pending;
    if (!pending) throw new IpcFailure('not_found', 'no screen share request is waiting for an answer');
    if (choice.sourceId === null) return this.cancelPending();
    const source = pending.sources.get(choice.sourceId);
    if (!source) throw new IpcFailure('bad_request', 'that screen or window is not one of the offered sources');
    this.#settle({ video: source, ...(choice.withAudio && pending.audioRequested && this.audioAvailable ? { audio: 'loopback' } : {}) });
  }

  /** Rejects the waiting getDisplayMedia (picker closed, page reloaded, timeout). */
  cancelPending(): void {
    this.#settle(null);
  }

  #settle(streams: Streams | null): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    try {
      pending.callback(streams);
    } catch {
      // The requesting frame is gone; nothing is waiting any more.
    }
  }

  #problem(): string | undefined {
    if (this.#options.platform !== 'darwin' || !this.#options.mediaAccessStatus) return undefined;
    return this.#options.mediaAccessStatus('screen') === 'granted' ? undefined : screenRecordingHelp;
  }
}

function toScreenSource(source: DesktopCapturerSource): ScreenSource {
  return {
    id: source.id,
    name: source.name,
    kind: source.id.startsWith('screen:') ? 'screen' : 'window',
    thumbnailDataUrl: source.thumbnail.isEmpty() ? '' : source.thumbnail.toDataURL(),
  };
}

/**
 * Linux: screen capture under Wayland goes through xdg-desktop-portal + PipeWire. Chromium's
 * `enable-features` switch takes one comma list, so callers pass every feature at once.
 */
export function linuxCaptureFeatures(platform: NodeJS.Platform): string[] {
  return platform === 'linux' ? ['WebRTCPipeWireCapturer'] : [];
}
