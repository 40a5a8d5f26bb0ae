import type { DiscoveredMeeting, HostingInfo } from '../../../shared/ipc';

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
}

/** The same shapes main validates on the IPC boundary (shared/ipc.ts). */
export type { DiscoveredMeeting, HostingInfo };

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
  /** Desktop only: trust the self-signed certificate a meeting link names (its `fp`), for that host only. */
  pinCertificate?(hostUrl: string, fingerprint: string): Promise<void>;
  /** Desktop only: meeting recordings go to a file (browser guests download them). */
  recordings?: RecordingFiles;
  /** Desktop only: roundtable:// links and pasted meeting links opened from outside. */
  onOpenLink?(listener: (url: string) => void): () => void;
}
