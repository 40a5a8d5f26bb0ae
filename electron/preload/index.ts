/**
 * The bridge the app page sees as `window.roundtable`. One method per IPC message; only plain
 * data crosses (never the IpcRendererEvent, never ipcRenderer itself). Bundled to CommonJS:
 * sandboxed preloads cannot be ES modules. Only types are imported from shared/, so zod stays out.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  EventChannel,
  EventPayload,
  InvokeArg,
  InvokeChannel,
  InvokeResult,
  IpcResult,
  RoundtableBridge,
} from '../../shared/ipc';

function invoke<C extends InvokeChannel>(channel: C, arg: InvokeArg<C>): Promise<IpcResult<InvokeResult<C>>> {
  return ipcRenderer.invoke(channel, arg);
}

function listen<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void {
  const handler = (_event: IpcRendererEvent, payload: EventPayload<C>) => listener(payload);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

/**
 * A subscription backed by a main-side feed (discovery, links): the feed starts with the first
 * listener and stops after the last; `start` answers the payloads to replay to new listeners.
 */
function feed<C extends EventChannel>(
  channel: C,
  start: () => Promise<EventPayload<C>[]>,
  stop?: () => void,
): (listener: (payload: EventPayload<C>) => void) => () => void {
  const listeners = new Set<(payload: EventPayload<C>) => void>();
  let off: (() => void) | undefined;
  const emit = (payload: EventPayload<C>) => listeners.forEach((listener) => listener(payload));
  return (listener) => {
    listeners.add(listener);
    if (!off) {
      off = listen(channel, emit);
      void start().then((payloads) => payloads.forEach(emit));
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0 || !off) return;
      off();
      off = undefined;
      stop?.();
    };
  };
}

const api: RoundtableBridge = {
  appInfo: () => invoke('app:info', undefined),
  hosting: {
    start: (roomId) => invoke('hosting:start', { roomId }),
    stop: () => invoke('hosting:stop', undefined),
    status: () => invoke('hosting:status', undefined),
  },
  discovery: {
    subscribe: feed(
      'discovery:changed',
      async () => {
        const result = await invoke('discovery:subscribe', undefined);
        return result.ok ? [result.data] : [];
      },
      () => void invoke('discovery:unsubscribe', undefined),
    ),
  },
  screen: {
    sources: () => invoke('screen:sources', undefined),
    choose: (sourceId, withAudio) => invoke('screen:choose', { sourceId, withAudio }),
    onRequest: (listener) => listen('screen:request', listener),
  },
  preferences: {
    get: () => invoke('preferences:get', undefined),
    set: (patch) => invoke('preferences:set', patch),
  },
  openExternal: (url) => invoke('shell:openExternal', { url }),
  certificates: {
    verifyForJoin: (url, fingerprint) => invoke('certificates:verifyForJoin', fingerprint === undefined ? { url } : { url, fingerprint }),
    replacePin: (url, fingerprint) => invoke('certificates:replacePin', { url, fingerprint }),
  },
  // Links are not unsubscribed in main: once the page listens, later links come as events.
  onOpenLink: feed('links:open', async () => {
    const result = await invoke('links:subscribe', undefined);
    return result.ok ? result.data : [];
  }),
  onNotice: (listener) => listen('app:notice', listener),
  meeting: {
    report: (state) => invoke('meeting:state', state),
    act: (command) => invoke('meeting:act', { command }),
    onCommand: (listener) => listen('meeting:command', listener),
    onChanged: (listener) => listen('meeting:changed', listener),
  },
  notify: (request) => invoke('notify:show', request),
  updates: {
    status: () => invoke('updates:status', undefined),
    restart: () => invoke('updates:restart', undefined),
    onChanged: (listener) => listen('updates:changed', listener),
  },
  recordings: {
    start: (suggestedName) => invoke('recording:start', { suggestedName }),
    write: (id, chunk) => invoke('recording:write', { id, chunk }),
    finish: (id, fix) => invoke('recording:finish', { id, fix }),
  },
};

contextBridge.exposeInMainWorld('roundtable', api);
