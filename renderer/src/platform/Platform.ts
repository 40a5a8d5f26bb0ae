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
}

/** The same shapes main validates on the IPC boundary (shared/ipc.ts). */
export type { DiscoveredMeeting, HostingInfo };

export interface ScreenSource {
  id: string;
  name: string;
  kind: 'screen' | 'window';
  thumbnailDataUrl: string;
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
    onRequest(listener: (sources: ScreenSource[]) => void): () => void;
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
  /** Desktop only: roundtable:// links and pasted meeting links opened from outside. */
  onOpenLink?(listener: (url: string) => void): () => void;
}
