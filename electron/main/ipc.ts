import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { describeZodError } from '../../shared/protocol';
import {
  invokeChannelNames,
  invokeChannels,
  isInvokeChannel,
  type EventChannel,
  type EventPayload,
  type HostIdentityChange,
  type InvokeChannel,
  type InvokeResult,
  type IpcErrorCode,
  type IpcResult,
  type ParsedInvokeArg,
} from '../../shared/ipc';

/** Thrown by a handler to answer a typed error; anything else thrown becomes `internal`. */
export class IpcFailure extends Error {
  readonly code: IpcErrorCode;
  /** For `host_identity_changed`: what the warning shows. */
  readonly identity?: HostIdentityChange;
  constructor(code: IpcErrorCode, message: string, identity?: HostIdentityChange) {
    super(message);
    this.code = code;
    if (identity) this.identity = identity;
  }
}

/** The parts of an invoke event the dispatcher looks at (tests pass plain objects). */
export interface SenderEvent {
  sender: Pick<WebContents, 'id'>;
  senderFrame: { url: string; parent: unknown } | null;
}

export interface HandlerContext {
  sender: SenderEvent['sender'];
}

export type Handlers = {
  [C in InvokeChannel]: (arg: ParsedInvokeArg<C>, context: HandlerContext) => InvokeResult<C> | Promise<InvokeResult<C>>;
};

export interface DispatcherOptions {
  handlers: Handlers;
  /** True only for the app's own page (not a meeting host's page, not an iframe's). */
  isAppPage(url: string): boolean;
  onInternalError?(channel: string, error: unknown): void;
}

export type Dispatch = (channel: string, event: SenderEvent, arg: unknown) => Promise<IpcResult<unknown>>;

const fail = (code: IpcErrorCode, message: string): IpcResult<never> => ({ ok: false, error: { code, message } });

/**
 * One entry point for every invoke: checks the channel, the sender frame and the argument, runs
 * the handler and validates what it answers. Never throws: every failure is an IpcResult.
 */
export function createDispatcher(options: DispatcherOptions): Dispatch {
  return async (channel, event, arg) => {
    if (!isInvokeChannel(channel)) return fail('unknown_channel', `no such channel: ${String(channel).slice(0, 64)}`);
    const frame = event.senderFrame;
    // A null frame navigated away or was destroyed mid-call; a frame with a parent is an iframe.
    if (!frame || frame.parent || !options.isAppPage(frame.url)) return fail('forbidden', 'only the app window may use this channel');
    const spec = invokeChannels[channel];
    const parsed = spec.arg.safeParse(arg);
    if (!parsed.success) return fail('bad_request', describeZodError(parsed.error));
    try {
      const handler = options.handlers[channel] as (arg: unknown, context: HandlerContext) => unknown;
      const data = await handler(parsed.data, { sender: event.sender });
      const checked = spec.result.safeParse(data);
      if (!checked.success) {
        options.onInternalError?.(channel, checked.error);
        return fail('internal', `${channel} produced an invalid answer`);
      }
      return { ok: true, data: checked.data };
    } catch (error) {
      if (error instanceof IpcFailure) {
        const failure = fail(error.code, error.message);
        return error.identity && !failure.ok ? { ok: false, error: { ...failure.error, identity: error.identity } } : failure;
      }
      options.onInternalError?.(channel, error);
      return fail('internal', error instanceof Error ? error.message : 'unexpected error');
    }
  };
}

/** One `ipcMain.handle` per channel in shared/ipc.ts. Returns the function that removes them. */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, dispatch: Dispatch): () => void {
  for (const channel of invokeChannelNames) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, arg: unknown) => dispatch(channel, event, arg));
  }
  return () => invokeChannelNames.forEach((channel) => ipcMain.removeHandler(channel));
}

/** main → renderer, typed against shared/ipc.ts. Dropped silently if the window is gone. */
export function sendEvent<C extends EventChannel>(
  webContents: Pick<WebContents, 'send' | 'isDestroyed'> | undefined,
  channel: C,
  payload: EventPayload<C>,
): void {
  if (webContents && !webContents.isDestroyed()) webContents.send(channel, payload);
}

/**
 * main → renderer for the app page only. The window may show a meeting host's page (navigation
 * allows it); that page has the preload too, and must not receive LAN discovery results, links
 * or notices meant for the app.
 */
export function createAppSender(
  currentWebContents: () => (Pick<WebContents, 'send' | 'isDestroyed' | 'getURL'> | undefined),
  isAppPage: (url: string) => boolean,
): <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void {
  return (channel, payload) => {
    const webContents = currentWebContents();
    if (!webContents || webContents.isDestroyed() || !isAppPage(webContents.getURL())) return;
    webContents.send(channel, payload);
  };
}
