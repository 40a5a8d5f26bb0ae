import type { DiscoveredMeeting, HostingInfo, MeetingCommand, MeetingState, NotificationRequest, UpdateStatus } from '../../../shared/ipc';

/**
 * Everything the UI needs from where it runs. Two implementations: the Electron desktop app
 * (over the preload bridge, window.roundtable) and the browser (guests). The UI imports only this.
 */
export interface Preferences {
  displayName: string;
  cameraId?: string;
  microphoneId?: string;
  speakerId?: string;
  /** Media effects (renderer/src/media/effects.ts): RNNoise on unless false; camera background. */
  noiseSuppression?: boolean;
  backgroundEffect?: 'none' | 'blur' | 'image';
  backgroundImage?: string;
  /** Desktop: meetings hosted on this computer start with a waiting room. */
  waitingRoom?: boolean;
}

/** The same shapes main validates on the IPC boundary (shared/ipc.ts). */
export type { DiscoveredMeeting, HostingInfo, MeetingCommand, MeetingState, NotificationRequest, UpdateStatus };

/** Desktop only: the app's life on the desktop (tray, mini window, notifications, updates). */
export interface DesktopShell {
  /** Tells the tray and the mini window what the meeting looks like now. */
  reportMeeting(state: MeetingState): void;
  /** Mute / Leave / Stop sharing chosen in the tray or the mini window. */
  onMeetingCommand(listener: (command: MeetingCommand['command']) => void): () => void;
  /** An OS notification, shown by the desktop only while the window is not focused. */
  notify(request: NotificationRequest): void;
  /** The mini window's buttons. */
  act(command: MeetingCommand['command'] | 'show'): Promise<void>;
  /** The mini window: the main window's meeting. */
  onMeetingChanged(listener: (state: MeetingState) => void): () => void;
  updates: {
    status(): Promise<UpdateStatus>;
    restart(): Promise<void>;
    onChanged(listener: (status: UpdateStatus) => void): () => void;
  };
}

export interface SystemAudio {
  available: boolean;
  unavailableReason?: string;
}

export interface ScreenSource {
  id: string;
  name: string;
  kind: 'screen' | 'window';
  thumbnailDataUrl: string;
}

/** Desktop only: recordings written to a file the user picked, chunk by chunk (main process). */
export interface RecordingFiles {
  /** Asks where to save (default: the Videos folder, `suggestedName`); null if the user cancels. */
  start(suggestedName: string): Promise<{ id: string; path: string } | null>;
  write(id: string, chunk: Uint8Array): Promise<void>;
  /** Closes the file; `fix` replaces its first `replacedBytes` bytes with `header` (the WebM duration). */
  finish(id: string, fix: { header: Uint8Array; replacedBytes: number } | null): Promise<void>;
}

export interface Platform {
  readonly kind: 'desktop' | 'browser';
  /** The host a plain room code joins: the page's own origin for browser guests. */
  defaultHostUrl(): string | undefined;
  loadPreferences(): Promise<Preferences>;
  savePreferences(preferences: Partial<Preferences>): Promise<void>;
  /** Desktop only: run the embedded host in this app. */
  hosting?: {
    start(roomId: string): Promise<HostingInfo>;
    stop(): Promise<void>;
    status(): Promise<HostingInfo | null>;
  };
  /** Desktop only: meetings advertised on the LAN. Returns an unsubscribe function. */
  discovery?: {
    subscribe(listener: (meetings: DiscoveredMeeting[]) => void): () => void;
  };
  /** Desktop only: the app's own screen picker answers getDisplayMedia. */
  screenPicker?: {
    /** `audio` says whether system audio can be shared too (and if not, why). */
    onRequest(listener: (sources: ScreenSource[], audio?: SystemAudio) => void): () => void;
    choose(sourceId: string | null, withAudio: boolean): Promise<void>;
  };
  /**
   * Desktop only: on an explicit Join, check the meeting host's certificate against the pin kept
   * for it (first Join keeps the link's `fp`). Rejects with a PlatformError: code
   * `host_identity_changed` (with `identity`: ask the user, then `replaceHostPin`) or
   * `host_identity_mismatch` (the host is not the one the link names).
   */
  verifyHostForJoin?(hostUrl: string, fingerprint?: string): Promise<void>;
  /** Desktop only: the user confirmed the "identity changed" warning for this fingerprint. */
  replaceHostPin?(hostUrl: string, fingerprint: string): Promise<void>;
  /** Desktop only: tray, mini window, notifications, updates. */
  desktop?: DesktopShell;
  /** Desktop only: meeting recordings go to a file (browser guests download them). */
  recordings?: RecordingFiles;
  /** Desktop only: roundtable:// links and pasted meeting links opened from outside. */
  onOpenLink?(listener: (url: string) => void): () => void;
}
