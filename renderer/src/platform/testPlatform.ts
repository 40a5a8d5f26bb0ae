import type { DiscoveredMeeting, HostingInfo, Platform, Preferences, ScreenSource } from './Platform';

/**
 * A recording Platform for tests: the desktop-only features (hosting, LAN discovery, the screen
 * picker, opened links) exercised in a plain browser. Every call is recorded in `calls`; the
 * test drives the "desktop side" with `emitDiscovered`, `emitScreenRequest` and `emitOpenLink`.
 *
 * Not used by the app. Playwright installs it before the page's scripts run:
 *   await page.addInitScript(`window.__roundtablePlatform = (${createTestPlatform})(${JSON.stringify(config)})`)
 * which is why the factory is ONE self-contained function: no imports, no outer helpers.
 */
export interface TestPlatformConfig {
  /** Offer hosting (the default). Started meetings point at `hostUrl` (default: the page's origin). */
  hosting?: boolean;
  hostUrl?: string;
  ports?: { http: number; rtc: number[] };
  fingerprint?: string;
  /** The owner key handed to the hosting user (the e2e host accepts its admin token as one). */
  ownerKey?: string;
  /** Offer LAN discovery (the default) with these meetings at first. */
  discovery?: DiscoveredMeeting[] | false;
  /**
   * Offer the app's screen picker (the default). When set, getDisplayMedia first shows the
   * picker with these sources and only proceeds once `choose` picks one, as in the desktop app.
   */
  screenSources?: ScreenSource[] | false;
  preferences?: Partial<Preferences>;
  /**
   * Simulates the desktop app's join-time certificate check: every Join is refused with
   * `host_identity_changed` and these fingerprints until `replaceHostPin` confirms the new one.
   */
  hostIdentityChange?: { host: string; pinnedFingerprint: string; presentedFingerprint: string };
}

export interface RecordedCall {
  method: string;
  args: unknown[];
}

export interface TestPlatform extends Platform {
  readonly calls: RecordedCall[];
  emitDiscovered(meetings: DiscoveredMeeting[]): void;
  emitScreenRequest(sources: ScreenSource[]): void;
  emitOpenLink(url: string): void;
}

export function createTestPlatform(config: TestPlatformConfig = {}): TestPlatform {
  const calls: RecordedCall[] = [];
  const record = (method: string, ...args: unknown[]) => {
    calls.push({ method, args: JSON.parse(JSON.stringify(args)) as unknown[] });
  };
  let preferences: Preferences = { displayName: '', ...config.preferences };
  let hosted: HostingInfo | null = null;
  let meetings: DiscoveredMeeting[] = config.discovery === false ? [] : [...(config.discovery ?? [])];
  const discoveryListeners = new Set<(meetings: DiscoveredMeeting[]) => void>();
  const screenListeners = new Set<(sources: ScreenSource[]) => void>();
  const linkListeners = new Set<(url: string) => void>();
  let pendingChoice: ((choice: { sourceId: string | null; withAudio: boolean }) => void) | undefined;

  const platform: TestPlatform = {
    kind: 'desktop',
    calls,
    defaultHostUrl() {
      return hosted?.baseUrl ?? config.hostUrl ?? window.location.origin;
    },
    async loadPreferences() {
      record('loadPreferences');
      return { ...preferences };
    },
    async savePreferences(patch) {
      record('savePreferences', patch);
      preferences = { ...preferences, ...patch };
    },
    emitDiscovered(next) {
      meetings = [...next];
      for (const listener of discoveryListeners) listener([...meetings]);
    },
    emitScreenRequest(sources) {
      for (const listener of screenListeners) listener([...sources]);
    },
    emitOpenLink(url) {
      for (const listener of linkListeners) listener(url);
    },
    onOpenLink(listener) {
      record('onOpenLink');
      linkListeners.add(listener);
      return () => linkListeners.delete(listener);
    },
  };

  const identityChange = config.hostIdentityChange;
  let replacedPin: string | undefined;
  platform.verifyHostForJoin = async (hostUrl, fingerprint) => {
    record('verifyHostForJoin', hostUrl, fingerprint ?? null);
    if (identityChange && replacedPin !== identityChange.presentedFingerprint) {
      throw Object.assign(new Error(`The identity of ${identityChange.host} has changed`), { code: 'host_identity_changed', identity: identityChange });
    }
  };
  platform.replaceHostPin = async (hostUrl, fingerprint) => {
    record('replaceHostPin', hostUrl, fingerprint);
    replacedPin = fingerprint;
  };

  if (config.hosting !== false) {
    platform.hosting = {
      async start(roomId) {
        record('hosting.start', roomId);
        const baseUrl = (config.hostUrl ?? window.location.origin).replace(/\/+$/, '');
        const query = new URLSearchParams({ room: roomId });
        if (config.fingerprint) query.set('fp', config.fingerprint);
        hosted = {
          roomId,
          baseUrl,
          joinUrl: `${baseUrl}/?${query.toString()}`,
          ownerKey: config.ownerKey ?? 'test-owner-key',
          fingerprint: config.fingerprint,
          ports: config.ports ?? { http: Number(new URL(baseUrl).port || 443), rtc: [47800] },
        };
        return { ...hosted };
      },
      async stop() {
        record('hosting.stop');
        hosted = null;
      },
      async status() {
        record('hosting.status');
        return hosted && { ...hosted };
      },
    };
  }

  if (config.discovery !== false) {
    platform.discovery = {
      subscribe(listener) {
        record('discovery.subscribe');
        discoveryListeners.add(listener);
        listener([...meetings]);
        return () => discoveryListeners.delete(listener);
      },
    };
  }

  if (config.screenSources !== false) {
    platform.screenPicker = {
      onRequest(listener) {
        record('screenPicker.onRequest');
        screenListeners.add(listener);
        return () => screenListeners.delete(listener);
      },
      async choose(sourceId, withAudio) {
        record('screenPicker.choose', sourceId, withAudio);
        pendingChoice?.({ sourceId, withAudio });
        pendingChoice = undefined;
      },
    };
    // As in the desktop app: getDisplayMedia waits for the app's picker.
    const sources = config.screenSources;
    const media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
    if (sources && media?.getDisplayMedia) {
      const original = media.getDisplayMedia.bind(media);
      media.getDisplayMedia = (constraints?: DisplayMediaStreamOptions) =>
        new Promise<{ sourceId: string | null; withAudio: boolean }>((resolve) => {
          pendingChoice = resolve;
          platform.emitScreenRequest(sources);
        }).then((choice) => {
          if (choice.sourceId === null) throw new DOMException('The user cancelled the screen picker', 'NotAllowedError');
          return original(constraints);
        });
    }
  }

  return platform;
}
