/**
 * The IPC contract between the Electron main process (electron/main) and the renderer, reached
 * through the preload bridge (`window.roundtable`). Every invoke channel has a zod schema for its
 * one argument and for its result; main validates both. Every main → renderer event has a schema
 * for its payload.
 *
 * A handler never throws across IPC: it answers an {@link IpcResult}, `{ ok: true, data }` or
 * `{ ok: false, error: { code, message } }`, like the signaling acks in shared/protocol.ts.
 */
import { z } from 'zod';
import { limits } from './limits';
import { RoomId } from './protocol';

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export const ipcErrorCodes = [
  /** The argument failed its schema. */
  'bad_request',
  /** The sender is not the app's own page. */
  'forbidden',
  'unknown_channel',
  /** Asked to act on something that is not there (no host running, no pending screen request). */
  'not_found',
  /** The user said no (e.g. declined to end a meeting with people in it). */
  'cancelled',
  /** The OS or the user refused a permission (e.g. macOS Screen Recording). */
  'permission_denied',
  /** A resource is busy or missing (e.g. the host port is taken, a meeting host is unreachable). */
  'unavailable',
  /** A meeting host presents another certificate than the one kept for it; `identity` says which. */
  'host_identity_changed',
  /** A meeting host presents another certificate than its link names. */
  'host_identity_mismatch',
  'internal',
] as const;
export const IpcErrorCode = z.enum(ipcErrorCodes);
export type IpcErrorCode = z.infer<typeof IpcErrorCode>;

/** SHA-256 of a host certificate (DER), 64 lower-case hex: what join links carry. */
const FingerprintHex = z.string().regex(/^[0-9a-f]{64}$/, 'fingerprint must be 64 lower-case hex characters');

/** What the "host's identity changed" warning shows: the kept and the presented certificate. */
export const HostIdentityChange = z.object({
  /** `host:port` */
  host: z.string().max(300),
  pinnedFingerprint: FingerprintHex,
  presentedFingerprint: FingerprintHex,
});
export type HostIdentityChange = z.infer<typeof HostIdentityChange>;

export const IpcError = z.object({ code: IpcErrorCode, message: z.string(), identity: HostIdentityChange.optional() });
export type IpcError = z.infer<typeof IpcError>;

export type IpcResult<T> = { ok: true; data: T } | { ok: false; error: IpcError };

/** The result envelope of a channel, as a schema (tests and the renderer may check answers). */
export function ipcResultSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), data }), z.object({ ok: z.literal(false), error: IpcError })]);
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const maxUrlLength = 2048;

/** SHA-256 of the host certificate (DER), as 64 lower-case hex characters: what join links carry. */
export const Fingerprint = FingerprintHex;

/** An http(s) URL without credentials: what may be opened in the system browser or pinned. */
export const WebUrl = z
  .string()
  .max(maxUrlLength)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials');

const Port = z.number().int().min(0).max(65535);
const DeviceId = z.string().max(256);
const Text = (max: number) => z.string().max(max);

export const Preferences = z.object({
  /** Empty until the user first types a name. */
  displayName: Text(limits.maxDisplayNameLength),
  cameraId: DeviceId.optional(),
  microphoneId: DeviceId.optional(),
  speakerId: DeviceId.optional(),
  /** RNNoise on the microphone; on when unset. */
  noiseSuppression: z.boolean().optional(),
  backgroundEffect: z.enum(['none', 'blur', 'image']).optional(),
  /** The picture behind the person: a data: URL the app downscaled (about 100 kB). */
  backgroundImage: z
    .string()
    .max(4_000_000)
    .regex(/^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$/, 'must be a data: URL of a picture')
    .optional(),
  /** Desktop: meetings hosted on this computer start with a waiting room. */
  waitingRoom: z.boolean().optional(),
});
export type Preferences = z.infer<typeof Preferences>;

/** `preferences:set` takes any subset; unknown keys are refused rather than silently stored. */
export const PreferencesPatch = Preferences.partial().strict();

export const HostingInfo = z.object({
  roomId: RoomId,
  baseUrl: z.string(),
  joinUrl: z.string(),
  /** Lets the app's own window join as the meeting's host. */
  ownerKey: z.string(),
  fingerprint: Fingerprint.optional(),
  ports: z.object({ http: Port, rtc: z.array(Port) }),
});
export type HostingInfo = z.infer<typeof HostingInfo>;

export const DiscoveredMeeting = z.object({
  roomId: z.string(),
  name: z.string(),
  hostName: z.string(),
  url: z.string(),
  fingerprint: Fingerprint.optional(),
});
export type DiscoveredMeeting = z.infer<typeof DiscoveredMeeting>;

export const ScreenSource = z.object({
  id: Text(256),
  name: Text(512),
  kind: z.enum(['screen', 'window']),
  /** A small PNG as a data: URL. */
  thumbnailDataUrl: z.string(),
});
export type ScreenSource = z.infer<typeof ScreenSource>;

export const ScreenSources = z.object({
  sources: z.array(ScreenSource),
  /** System audio can be shared with the screen (loopback: Windows; macOS/Linux via Chromium flags). */
  audioAvailable: z.boolean(),
  /** Why it cannot, in words for the user. */
  audioUnavailableReason: z.string().optional(),
  /** Why the list may be empty or blank, e.g. macOS Screen Recording permission is missing. */
  problem: z.string().optional(),
});
export type ScreenSources = z.infer<typeof ScreenSources>;

export const ScreenChoice = z.object({
  /** null cancels the pending getDisplayMedia request. */
  sourceId: Text(256).nullable(),
  withAudio: z.boolean(),
});
export type ScreenChoice = z.infer<typeof ScreenChoice>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  isPackaged: z.boolean(),
  versions: z.object({ electron: z.string(), chrome: z.string(), node: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** A meeting link opened from outside (roundtable:// or a join URL), canonicalised to https. */
export const OpenLink = z.object({ url: z.string() });
export type OpenLink = z.infer<typeof OpenLink>;

export const Notice = z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() });
export type Notice = z.infer<typeof Notice>;

/** What the app window's meeting looks like, for the tray, the mini window and updates. */
export const MeetingState = z.object({
  inMeeting: z.boolean(),
  hosting: z.boolean(),
  muted: z.boolean(),
  sharing: z.boolean(),
  roomId: RoomId.optional(),
  activeSpeaker: z.string().max(limits.maxDisplayNameLength).optional(),
});
export type MeetingState = z.infer<typeof MeetingState>;

/** Asked of the meeting by the tray or the mini window. */
export const MeetingCommand = z.object({ command: z.enum(['toggleMute', 'leave', 'stopSharing']) });
export type MeetingCommand = z.infer<typeof MeetingCommand>;

/** An OS notification the page asks for; main shows it only while the window is not focused. */
export const NotificationRequest = z.object({
  kind: z.enum(['chat', 'hand']),
  title: z.string().max(120),
  body: z.string().max(300),
});
export type NotificationRequest = z.infer<typeof NotificationRequest>;

export const UpdateStatus = z.object({
  state: z.enum(['disabled', 'idle', 'checking', 'downloading', 'ready', 'error']),
  /** The version being downloaded or ready to install. */
  version: z.string().optional(),
  percent: z.number().min(0).max(100).optional(),
  message: z.string().optional(),
  /** "Restart to update" may be offered: an update is ready and no meeting is on. */
  canRestart: z.boolean(),
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;
/** Bytes from the renderer (structured clone keeps a Uint8Array a Uint8Array). */
const Bytes = (max: number) => z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length <= max, `must be at most ${max} bytes`);
const RecordingId = Text(64);
export const RecordingFile = z.object({ id: RecordingId, path: z.string() });
export type RecordingFile = z.infer<typeof RecordingFile>;

const none = z.undefined();
const ok = z.null();

// ---------------------------------------------------------------------------------------------
// Renderer → main: `ipcRenderer.invoke(channel, arg)`, answered with an IpcResult.
// ---------------------------------------------------------------------------------------------

export const invokeChannels = {
  'app:info': { arg: none, result: AppInfo },
  'hosting:start': { arg: z.object({ roomId: RoomId }), result: HostingInfo },
  /** Asks the user first when other people are still connected; `stopped: false` if they declined. */
  'hosting:stop': { arg: none, result: z.object({ stopped: z.boolean() }) },
  'hosting:status': { arg: none, result: HostingInfo.nullable() },
  /** Starts LAN browsing; answers the meetings known now, then `discovery:changed` events follow. */
  'discovery:subscribe': { arg: none, result: z.array(DiscoveredMeeting) },
  'discovery:unsubscribe': { arg: none, result: ok },
  'screen:sources': { arg: none, result: ScreenSources },
  /** Answers the pending getDisplayMedia request announced by `screen:request`. */
  'screen:choose': { arg: ScreenChoice, result: ok },
  'preferences:get': { arg: none, result: Preferences },
  'preferences:set': { arg: PreferencesPatch, result: Preferences },
  'shell:openExternal': { arg: z.object({ url: WebUrl }), result: ok },
  /**
   * Before an explicit Join of a meeting at `url` (https, private address or .local name): checks
   * the certificate the host presents against the pin kept for its host:port, keeps a first pin
   * when it matches the link's `fingerprint`, or answers `host_identity_changed` /
   * `host_identity_mismatch`. Public hosts and plain http pass through (CA validation decides).
   */
  'certificates:verifyForJoin': { arg: z.object({ url: WebUrl, fingerprint: Fingerprint.optional() }), result: ok },
  /** The user confirmed the "identity changed" warning: replace the kept pin with `fingerprint`. */
  'certificates:replacePin': { arg: z.object({ url: WebUrl, fingerprint: Fingerprint }), result: ok },
  /** Starts `links:open` delivery; answers the links that arrived before the page was ready. */
  'links:subscribe': { arg: none, result: z.array(OpenLink) },
  /** The app window's meeting changed (joined, left, muted, sharing). */
  'meeting:state': { arg: MeetingState, result: ok },
  /** Show an OS notification for a chat message or a raised hand if the window is not focused. */
  'notify:show': { arg: NotificationRequest, result: z.object({ shown: z.boolean() }) },
  /** From the mini window (or any app page): act on the meeting in the main window, or show it. */
  'meeting:act': { arg: z.object({ command: z.enum(['toggleMute', 'leave', 'stopSharing', 'show']) }), result: ok },
  'updates:status': { arg: none, result: UpdateStatus },
  /** Restarts into the downloaded update; refused (`unavailable`) during a meeting. */
  'updates:restart': { arg: none, result: ok },
  /** Asks where to save a meeting recording (default: Videos/<suggestedName>); null if cancelled. */
  'recording:start': { arg: z.object({ suggestedName: Text(255) }), result: RecordingFile.nullable() },
  /** Appends one chunk (MediaRecorder hands one over every second). */
  'recording:write': { arg: z.object({ id: RecordingId, chunk: Bytes(64 * 1024 * 1024) }), result: ok },
  /** Closes the file; `fix` swaps its first `replacedBytes` bytes for `header` (the WebM duration). */
  'recording:finish': {
    arg: z.object({ id: RecordingId, fix: z.object({ header: Bytes(1024 * 1024), replacedBytes: z.number().int().min(0) }).nullable() }),
    result: ok,
  },
} as const satisfies Record<string, { arg: z.ZodType; result: z.ZodType }>;

export type InvokeChannel = keyof typeof invokeChannels;
export type InvokeArg<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['arg']>;
export type ParsedInvokeArg<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['arg']>;
export type InvokeResult<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['result']>;
export const invokeChannelNames = Object.keys(invokeChannels) as InvokeChannel[];

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.hasOwn(invokeChannels, channel);
}

// ---------------------------------------------------------------------------------------------
// Main → renderer: `webContents.send(channel, payload)`.
// ---------------------------------------------------------------------------------------------

export const eventChannels = {
  'discovery:changed': z.array(DiscoveredMeeting),
  /** The page called getDisplayMedia: show the picker, then answer with `screen:choose`. */
  'screen:request': ScreenSources,
  'links:open': OpenLink,
  'app:notice': Notice,
  'meeting:command': MeetingCommand,
  /** To the mini window: the meeting it controls. */
  'meeting:changed': MeetingState,
  'updates:changed': UpdateStatus,
} as const satisfies Record<string, z.ZodType>;

export type EventChannel = keyof typeof eventChannels;
export type EventPayload<C extends EventChannel> = z.output<(typeof eventChannels)[C]>;

// ---------------------------------------------------------------------------------------------
// The preload bridge: window.roundtable. One method per IPC message; cloneable data only.
// ---------------------------------------------------------------------------------------------

type Answer<C extends InvokeChannel> = Promise<IpcResult<InvokeResult<C>>>;
type Unsubscribe = () => void;

export interface RoundtableBridge {
  appInfo(): Answer<'app:info'>;
  hosting: {
    start(roomId: string): Answer<'hosting:start'>;
    stop(): Answer<'hosting:stop'>;
    status(): Answer<'hosting:status'>;
  };
  discovery: {
    /** Calls `listener` with the full list now and on every change. */
    subscribe(listener: (meetings: DiscoveredMeeting[]) => void): Unsubscribe;
  };
  screen: {
    sources(): Answer<'screen:sources'>;
    choose(sourceId: string | null, withAudio: boolean): Answer<'screen:choose'>;
    onRequest(listener: (request: ScreenSources) => void): Unsubscribe;
  };
  preferences: {
    get(): Answer<'preferences:get'>;
    set(patch: InvokeArg<'preferences:set'>): Answer<'preferences:set'>;
  };
  openExternal(url: string): Answer<'shell:openExternal'>;
  certificates: {
    verifyForJoin(url: string, fingerprint?: string): Answer<'certificates:verifyForJoin'>;
    replacePin(url: string, fingerprint: string): Answer<'certificates:replacePin'>;
  };
  /** Delivers links opened from outside, including those that arrived before the page loaded. */
  onOpenLink(listener: (link: OpenLink) => void): Unsubscribe;
  onNotice(listener: (notice: Notice) => void): Unsubscribe;
  meeting: {
    report(state: MeetingState): Answer<'meeting:state'>;
    act(command: InvokeArg<'meeting:act'>['command']): Answer<'meeting:act'>;
    onCommand(listener: (command: MeetingCommand) => void): Unsubscribe;
    onChanged(listener: (state: MeetingState) => void): Unsubscribe;
  };
  notify(request: NotificationRequest): Answer<'notify:show'>;
  updates: {
    status(): Answer<'updates:status'>;
    restart(): Answer<'updates:restart'>;
    onChanged(listener: (status: UpdateStatus) => void): Unsubscribe;
  };
  recordings: {
    start(suggestedName: string): Answer<'recording:start'>;
    write(id: string, chunk: Uint8Array): Answer<'recording:write'>;
    finish(id: string, fix: { header: Uint8Array; replacedBytes: number } | null): Answer<'recording:finish'>;
  };
}
