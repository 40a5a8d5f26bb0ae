import type { HostIdentityChange, IpcErrorCode, IpcResult, RoundtableBridge } from '../../../shared/ipc';
import type { HostingInfo, Platform } from './Platform';

declare global {
  interface Window {
    /** Present only in the desktop app (electron/preload). */
    roundtable?: RoundtableBridge;
  }
}

/** A failed bridge call, with the main process's typed error code. */
export class PlatformError extends Error {
  readonly code: IpcErrorCode;
  /** Set for `host_identity_changed`: the kept and the presented certificate. */
  readonly identity?: HostIdentityChange;
  constructor(code: IpcErrorCode, message: string, identity?: HostIdentityChange) {
    super(message);
    this.name = 'PlatformError';
    this.code = code;
    if (identity) this.identity = identity;
  }
}

/**
 * The Join was refused because the host's certificate changed; the user may confirm the new one.
 * Judged by shape, not class, so any Platform implementation can raise it.
 */
export function hostIdentityChange(error: unknown): HostIdentityChange | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, identity } = error as { code?: unknown; identity?: Partial<HostIdentityChange> };
  if (code !== 'host_identity_changed' || typeof identity !== 'object' || identity === null) return undefined;
  const { host, pinnedFingerprint, presentedFingerprint } = identity;
  return typeof host === 'string' && typeof pinnedFingerprint === 'string' && typeof presentedFingerprint === 'string'
    ? { host, pinnedFingerprint, presentedFingerprint }
    : undefined;
}

async function unwrap<T>(answer: Promise<IpcResult<T>>): Promise<T> {
  const result = await answer;
  if (!result.ok) throw new PlatformError(result.error.code, result.error.message, result.error.identity);
  return result.data;
}

/** Desktop-only extras beyond the Platform interface. */
export interface ElectronPlatform extends Platform {
  verifyHostForJoin(hostUrl: string, fingerprint?: string): Promise<void>;
  replaceHostPin(hostUrl: string, fingerprint: string): Promise<void>;
  openExternal(url: string): Promise<void>;
}

/** The desktop app: everything goes through the preload bridge to the main process. */
export function createElectronPlatform(bridge: RoundtableBridge): ElectronPlatform {
  // Kept so a plain room code joins the meeting this app hosts (defaultHostUrl is synchronous).
  let hosted: HostingInfo | null = null;
  const remember = (info: HostingInfo | null) => {
    hosted = info;
    return info;
  };
  void unwrap(bridge.hosting.status()).then(remember, () => undefined);

  return {
    kind: 'desktop',
    defaultHostUrl: () => hosted?.baseUrl,
    loadPreferences: () => unwrap(bridge.preferences.get()),
    async savePreferences(preferences) {
      await unwrap(bridge.preferences.set(preferences));
    },
    hosting: {
      start: async (roomId) => remember(await unwrap(bridge.hosting.start(roomId)))!,
      async stop() {
        const { stopped } = await unwrap(bridge.hosting.stop());
        if (!stopped) throw new PlatformError('cancelled', 'the meeting is still running');
        remember(null);
      },
      status: async () => remember(await unwrap(bridge.hosting.status())),
    },
    discovery: {
      subscribe: (listener) => bridge.discovery.subscribe(listener),
    },
    screenPicker: {
      onRequest: (listener) =>
        bridge.screen.onRequest((request) => listener(request.sources, { available: request.audioAvailable, unavailableReason: request.audioUnavailableReason })),
      async choose(sourceId, withAudio) {
        await unwrap(bridge.screen.choose(sourceId, withAudio));
      },
    },
    onOpenLink: (listener) => bridge.onOpenLink((link) => listener(link.url)),
    async verifyHostForJoin(hostUrl, fingerprint) {
      await unwrap(bridge.certificates.verifyForJoin(hostUrl, fingerprint));
    },
    async replaceHostPin(hostUrl, fingerprint) {
      await unwrap(bridge.certificates.replacePin(hostUrl, fingerprint));
    },
    desktop: {
      reportMeeting: (state) => void bridge.meeting.report(state).catch(() => undefined),
      onMeetingCommand: (listener) => bridge.meeting.onCommand(({ command }) => listener(command)),
      notify: (request) => void bridge.notify(request).catch(() => undefined),
      act: async (command) => {
        await unwrap(bridge.meeting.act(command));
      },
      onMeetingChanged: (listener) => bridge.meeting.onChanged(listener),
      updates: {
        status: () => unwrap(bridge.updates.status()),
        restart: async () => {
          await unwrap(bridge.updates.restart());
        },
        onChanged: (listener) => bridge.updates.onChanged(listener),
      },
    },
    recordings: {
      start: (suggestedName) => unwrap(bridge.recordings.start(suggestedName)),
      async write(id, chunk) {
        await unwrap(bridge.recordings.write(id, chunk));
      },
      async finish(id, fix) {
        await unwrap(bridge.recordings.finish(id, fix));
      },
    },
    async openExternal(url) {
      await unwrap(bridge.openExternal(url));
    },
  };
}
