import type { IpcErrorCode, IpcResult, RoundtableBridge } from '../../../shared/ipc';
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
  constructor(code: IpcErrorCode, message: string) {
    super(message);
    this.name = 'PlatformError';
    this.code = code;
  }
}

async function unwrap<T>(answer: Promise<IpcResult<T>>): Promise<T> {
  const result = await answer;
  if (!result.ok) throw new PlatformError(result.error.code, result.error.message);
  return result.data;
}

/** Desktop-only extras beyond the Platform interface. */
export interface ElectronPlatform extends Platform {
  /** Trust the self-signed certificate a pasted link's `fp` names, for that link's host only. */
  pinCertificate(hostUrl: string, fingerprint: string): Promise<void>;
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
    recordings: {
      start: (suggestedName) => unwrap(bridge.recordings.start(suggestedName)),
      async write(id, chunk) {
        await unwrap(bridge.recordings.write(id, chunk));
      },
      async finish(id, fix) {
        await unwrap(bridge.recordings.finish(id, fix));
      },
    },
    async pinCertificate(hostUrl, fingerprint) {
      await unwrap(bridge.pinCertificate(hostUrl, fingerprint));
    },
    async openExternal(url) {
      await unwrap(bridge.openExternal(url));
    },
  };
}
