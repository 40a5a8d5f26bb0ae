import { describe, expect, it, vi } from 'vitest';
import type { RoundtableBridge } from '../../shared/ipc';

const electron = vi.hoisted(() => {
  const { EventEmitter } = require('node:events') as typeof import('node:events');
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: vi.fn(async (channel: string, _arg?: unknown) =>
      channel === 'links:subscribe'
        ? { ok: true, data: [{ url: 'https://10.0.0.5:4443/?room=early' }] }
        : channel === 'discovery:subscribe'
          ? { ok: true, data: [] }
          : { ok: true, data: null },
    ),
  });
  const exposed: Record<string, unknown> = {};
  return { ipcRenderer, exposed, contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => (exposed[key] = api)) } };
});
vi.mock('electron', () => ({ ipcRenderer: electron.ipcRenderer, contextBridge: electron.contextBridge }));

await import('./index');
const bridge = electron.exposed.roundtable as RoundtableBridge;
const { ipcRenderer } = electron;
const lastInvoke = () => ipcRenderer.invoke.mock.calls.at(-1);

describe('preload bridge', () => {
  it('exposes window.roundtable once, with functions and plain objects only', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(electron.exposed)).toEqual(['roundtable']);
    const kinds = (value: unknown): unknown =>
      typeof value === 'function' ? 'fn' : Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, kinds(v)]));
    expect(kinds(bridge)).toEqual({
      appInfo: 'fn',
      hosting: { start: 'fn', stop: 'fn', status: 'fn' },
      discovery: { subscribe: 'fn' },
      screen: { sources: 'fn', choose: 'fn', onRequest: 'fn' },
      preferences: { get: 'fn', set: 'fn' },
      openExternal: 'fn',
      certificates: { verifyForJoin: 'fn', replacePin: 'fn' },
      onOpenLink: 'fn',
      onNotice: 'fn',
      meeting: { report: 'fn', act: 'fn', onCommand: 'fn', onChanged: 'fn' },
      notify: 'fn',
      updates: { status: 'fn', restart: 'fn', onChanged: 'fn' },
      recordings: { start: 'fn', write: 'fn', finish: 'fn' },
    });
  });

  it('maps each method to its one channel and argument', async () => {
    await bridge.hosting.start('standup');
    expect(lastInvoke()).toEqual(['hosting:start', { roomId: 'standup' }]);
    await bridge.screen.choose(null, false);
    expect(lastInvoke()).toEqual(['screen:choose', { sourceId: null, withAudio: false }]);
    await bridge.preferences.set({ displayName: 'Ada' });
    expect(lastInvoke()).toEqual(['preferences:set', { displayName: 'Ada' }]);
    await bridge.certificates.verifyForJoin('https://10.0.0.5:4443', 'ab'.repeat(32));
    expect(lastInvoke()).toEqual(['certificates:verifyForJoin', { url: 'https://10.0.0.5:4443', fingerprint: 'ab'.repeat(32) }]);
    await bridge.certificates.verifyForJoin('https://10.0.0.5:4443');
    expect(lastInvoke()).toEqual(['certificates:verifyForJoin', { url: 'https://10.0.0.5:4443' }]);
    await bridge.certificates.replacePin('https://10.0.0.5:4443', 'cd'.repeat(32));
    expect(lastInvoke()).toEqual(['certificates:replacePin', { url: 'https://10.0.0.5:4443', fingerprint: 'cd'.repeat(32) }]);
    await bridge.hosting.status();
    expect(lastInvoke()).toEqual(['hosting:status', undefined]);
  });

  it('event listeners get the payload only, never the IPC event, and unsubscribe', () => {
    const listener = vi.fn();
    const off = bridge.onNotice(listener);
    const notice = { level: 'info', message: 'hi' };
    ipcRenderer.emit('app:notice', { sender: ipcRenderer, ports: [] }, notice);
    expect(listener).toHaveBeenCalledWith(notice);
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    ipcRenderer.emit('app:notice', {}, notice);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(ipcRenderer.listenerCount('app:notice')).toBe(0);
  });

  it('links: replays the links that waited, then delivers live ones', async () => {
    const listener = vi.fn();
    bridge.onOpenLink(listener);
    await vi.waitFor(() => expect(listener).toHaveBeenCalledWith({ url: 'https://10.0.0.5:4443/?room=early' }));
    ipcRenderer.emit('links:open', {}, { url: 'https://10.0.0.5:4443/?room=live' });
    expect(listener).toHaveBeenLastCalledWith({ url: 'https://10.0.0.5:4443/?room=live' });
  });

  it('discovery: browses while someone listens and stops after the last one leaves', async () => {
    const a = vi.fn();
    const offA = bridge.discovery.subscribe(a);
    const offB = bridge.discovery.subscribe(vi.fn());
    expect(ipcRenderer.invoke.mock.calls.filter(([c]) => c === 'discovery:subscribe')).toHaveLength(1);
    await vi.waitFor(() => expect(a).toHaveBeenCalledWith([]));
    offA();
    expect(ipcRenderer.invoke.mock.calls.filter(([c]) => c === 'discovery:unsubscribe')).toHaveLength(0);
    offB();
    expect(ipcRenderer.invoke.mock.calls.filter(([c]) => c === 'discovery:unsubscribe')).toHaveLength(1);
    expect(ipcRenderer.listenerCount('discovery:changed')).toBe(0);
  });
});
