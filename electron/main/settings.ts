import fs from 'node:fs';
import net from 'node:net';
import { z } from 'zod';
import { Fingerprint, Preferences } from '../../shared/ipc';

export const SETTINGS_VERSION = 1;
const maxRecentMeetings = 10;
const maxCertificatePins = 256;

const Port = z.number().int().min(1).max(65535);

export const RecentMeeting = z.object({ url: z.string().max(2048), roomId: z.string().max(64), openedAt: z.number() });
export type RecentMeeting = z.infer<typeof RecentMeeting>;

export const WindowBounds = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(16_384),
  height: z.number().int().min(300).max(16_384),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof WindowBounds>;

/** Each field has its own default, so one bad field is reset without losing the others. */
const fields = {
  displayName: Preferences.shape.displayName.catch(''),
  devices: z
    .object({ cameraId: z.string().max(256).optional(), microphoneId: z.string().max(256).optional(), speakerId: z.string().max(256).optional() })
    .default({}),
  effects: Preferences.pick({ noiseSuppression: true, backgroundEffect: true, backgroundImage: true }).default({}),
  hostPorts: z.object({ http: Port.default(4443), rtc: Port.default(40000) }).default({ http: 4443, rtc: 40000 }),
  /** Announce this address instead of the auto-detected LAN address (several NICs, VPN). */
  announcedIp: z
    .string()
    .refine((ip) => net.isIP(ip) !== 0, 'not an IP address')
    .optional(),
  recentMeetings: z.array(RecentMeeting).max(maxRecentMeetings).default([]),
  /** Meeting hosts' certificates the user trusted on Join, by `host:port` (certificates.ts). */
  certificatePins: z
    .record(z.string().max(300), z.object({ fingerprint: Fingerprint, pinnedAt: z.number() }))
    .refine((pins) => Object.keys(pins).length <= maxCertificatePins, 'too many certificate pins')
    .default({}),
  windowBounds: WindowBounds.optional(),
  /** An office's own update server (electron-updater generic provider); wins over the installer's. */
  updateUrl: z.string().max(2048).optional(),
  /** OS notifications for chat and raised hands while the window is not focused. */
  notifications: z.boolean().default(true),
  /** Meetings this computer hosts start with a waiting room (the host can turn it off in the meeting). */
  waitingRoom: z.boolean().catch(false).default(false),
};

export const Settings = z.object({ version: z.literal(SETTINGS_VERSION), ...fields });
export type Settings = z.infer<typeof Settings>;

export const defaultSettings: Settings = Settings.parse({ version: SETTINGS_VERSION });

/** What settings.ts needs of electron-store (and of `conf`, which tests use under plain Node). */
export interface KeyValueStore {
  store: Record<string, unknown>;
  readonly path: string;
}

export interface LoadedSettings {
  settings: Settings;
  /** Set when something was reset or migrated; worth telling the user once. */
  notice?: string;
}

/**
 * Version 0 (before `version` existed) kept devices and ports flat. Unknown shapes are not
 * guessed at: they go through the per-field salvage below.
 */
function migrate(raw: Record<string, unknown>): Record<string, unknown> {
  if (raw.version !== undefined) return raw;
  const { cameraId, microphoneId, speakerId, httpPort, rtcPort, ...rest } = raw;
  return {
    ...rest,
    version: SETTINGS_VERSION,
    devices: { cameraId, microphoneId, speakerId, ...(typeof rest.devices === 'object' ? rest.devices : {}) },
    hostPorts: { http: httpPort, rtc: rtcPort, ...(typeof rest.hostPorts === 'object' ? rest.hostPorts : {}) },
  };
}

/** Keeps every field that is valid on its own and defaults the rest. Never throws. */
export function normalizeSettings(raw: unknown): LoadedSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { settings: defaultSettings, notice: 'Your settings could not be read and were reset to defaults.' };
  }
  const record = raw as Record<string, unknown>;
  if (Object.keys(record).length === 0) return { settings: defaultSettings }; // first run
  if (typeof record.version === 'number' && record.version > SETTINGS_VERSION) {
    return { settings: defaultSettings, notice: 'Your settings were written by a newer Roundtable and were reset to defaults.' };
  }
  const migrated = migrate(record);
  const whole = Settings.safeParse({ ...migrated, version: SETTINGS_VERSION });
  if (whole.success) {
    return { settings: whole.data, ...(record.version === undefined ? { notice: 'Your settings were upgraded.' } : {}) };
  }
  const reset: string[] = [];
  const settings: Record<string, unknown> = { version: SETTINGS_VERSION };
  for (const [key, schema] of Object.entries(fields)) {
    const field = (schema as z.ZodType).safeParse(migrated[key]);
    if (field.success) settings[key] = field.data;
    else {
      settings[key] = (defaultSettings as Record<string, unknown>)[key];
      reset.push(key);
    }
  }
  return { settings: Settings.parse(settings), notice: `Some settings were invalid and were reset: ${reset.join(', ')}.` };
}

export interface SettingsStoreOptions {
  /** Builds the store; throws if the file is not valid JSON (conf's default). */
  create(): KeyValueStore;
  /** The store's file, known before the store exists (it may not be constructible). */
  file: string;
  now?: () => number;
}

/**
 * Settings on disk behind a zod schema. A corrupt file is moved aside (kept for the curious) and
 * replaced; an old or partly invalid one is migrated or repaired field by field. Never throws for
 * anything a file can contain.
 */
export class SettingsStore {
  readonly #store: KeyValueStore;
  #settings: Settings;
  readonly notice?: string;

  private constructor(store: KeyValueStore, settings: Settings, notice?: string) {
    this.#store = store;
    this.#settings = settings;
    this.notice = notice;
  }

  static open(options: SettingsStoreOptions): SettingsStore {
    let store: KeyValueStore;
    let raw: unknown;
    let corruptNotice: string | undefined;
    try {
      store = options.create();
      raw = store.store;
    } catch {
      const backup = `${options.file}.corrupt-${(options.now ?? Date.now)()}`;
      try {
        fs.renameSync(options.file, backup);
      } catch {
        fs.rmSync(options.file, { force: true });
      }
      corruptNotice = `Your settings file was damaged and has been reset (the old file was kept as ${backup}).`;
      store = options.create();
      raw = store.store;
    }
    const loaded = normalizeSettings(raw);
    const instance = new SettingsStore(store, loaded.settings, corruptNotice ?? loaded.notice);
    if (corruptNotice || loaded.notice) instance.#write();
    return instance;
  }

  get(): Settings {
    return this.#settings;
  }

  update(change: (current: Settings) => Settings): Settings {
    this.#settings = Settings.parse(change(this.#settings));
    this.#write();
    return this.#settings;
  }

  preferences(): Preferences {
    const { displayName, devices, effects, waitingRoom } = this.#settings;
    return { displayName, ...stripUndefined(devices), ...stripUndefined(effects), ...(waitingRoom ? { waitingRoom } : {}) };
  }

  setPreferences(patch: Partial<Preferences>): Preferences {
    const { displayName, noiseSuppression, backgroundEffect, backgroundImage, waitingRoom, ...devices } = patch;
    const effects = { noiseSuppression, backgroundEffect, backgroundImage };
    this.update((current) => ({
      ...current,
      ...(displayName !== undefined ? { displayName } : {}),
      ...(waitingRoom !== undefined ? { waitingRoom } : {}),
      devices: stripUndefined({ ...current.devices, ...devices }),
      effects: { ...current.effects, ...stripUndefined(effects) },
    }));
    return this.preferences();
  }

  addRecentMeeting(meeting: Omit<RecentMeeting, 'openedAt'>, now = Date.now()): void {
    this.update((current) => ({
      ...current,
      recentMeetings: [{ ...meeting, openedAt: now }, ...current.recentMeetings.filter((m) => m.url !== meeting.url)].slice(0, maxRecentMeetings),
    }));
  }

  /** The kept certificate pins, as certificates.ts loads and saves them. */
  pinStorage(): { load(): Settings['certificatePins']; save(pins: Settings['certificatePins']): void } {
    return {
      load: () => this.#settings.certificatePins,
      save: (pins) => void this.update((current) => ({ ...current, certificatePins: pins })),
    };
  }

  #write(): void {
    try {
      this.#store.store = this.#settings;
    } catch {
      // A read-only or full disk must not take the app down; the in-memory settings still work.
    }
  }
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
