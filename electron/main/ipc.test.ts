import { describe, expect, it, vi } from 'vitest';
import { invokeChannelNames } from '../../shared/ipc';
import { createDispatcher, IpcFailure, registerIpc, sendEvent, type Handlers } from './ipc';
import { TrustedOrigins } from './origins';
import { appEvent, eventFrom } from './testSupport';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unused = () => {
    throw new Error('not used in this test');
  };
  const base = Object.fromEntries(invokeChannelNames.map((name) => [name, unused])) as unknown as Handlers;
  return { ...base, 'preferences:get': () => ({ displayName: 'Ada' }), ...overrides };
}

function dispatcher(overrides: Partial<Handlers> = {}, onInternalError = vi.fn()) {
  const origins = new TrustedOrigins('app://roundtable/index.html');
  origins.addMeetingHost('https://10.0.0.5:4443');
  return createDispatcher({ handlers: handlers(overrides), isAppPage: (url) => origins.isAppPage(url), onInternalError });
}

describe('IPC dispatcher', () => {
  it('answers the app page', async () => {
    expect(await dispatcher()('preferences:get', appEvent(), undefined)).toEqual({ ok: true, data: { displayName: 'Ada' } });
  });

  it.each([
    ['another site', eventFrom('https://evil.example/')],
    ['the meeting host page', eventFrom('https://10.0.0.5:4443/?room=a')],
    ['a file page', eventFrom('file:///tmp/index.html')],
    ['an iframe inside the app page', eventFrom('app://roundtable/index.html', { iframe: true })],
    ['a frame that is gone', eventFrom('app://roundtable/index.html', { destroyed: true })],
    ['a look-alike host', eventFrom('app://roundtable.evil/index.html')],
  ])('refuses %s with forbidden, without running the handler', async (_name, event) => {
    const handler = vi.fn(() => ({ displayName: 'x' }));
    const result = await dispatcher({ 'preferences:get': handler })('preferences:get', event, undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses an unknown channel with a typed error', async () => {
    expect(await dispatcher()('hosting:rm-rf', appEvent(), undefined)).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await dispatcher()('constructor', appEvent(), undefined)).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it.each([
    ['hosting:start', { roomId: '../../etc' }],
    ['hosting:start', { roomId: '' }],
    ['hosting:start', 'standup'],
    ['preferences:set', { displayName: 'Ada', admin: true }],
    ['screen:choose', { sourceId: 7, withAudio: false }],
    ['shell:openExternal', { url: 'javascript:alert(1)' }],
    ['certificates:verifyForJoin', { url: 'https://h:1', fingerprint: 'DEADBEEF' }],
    ['certificates:replacePin', { url: 'file:///etc/passwd', fingerprint: 'ab'.repeat(32) }],
    ['hosting:status', { unexpected: 1 }],
  ])('refuses bad arguments for %s with bad_request', async (channel, arg) => {
    const handler = vi.fn();
    const result = await dispatcher({ [channel]: handler })(channel, appEvent(), arg);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('passes the parsed argument (trimmed room id) to the handler', async () => {
    const start = vi.fn(() => ({ roomId: 'standup', baseUrl: 'b', joinUrl: 'j', ownerKey: 'k', ports: { http: 1, rtc: [2] } }));
    const result = await dispatcher({ 'hosting:start': start })('hosting:start', appEvent(), { roomId: '  standup ' });
    expect(start).toHaveBeenCalledWith({ roomId: 'standup' }, expect.anything());
    expect(result.ok).toBe(true);
  });

  it('turns handler failures into typed errors instead of throwing', async () => {
    const onError = vi.fn();
    const run = dispatcher(
      {
        'hosting:stop': () => {
          throw new IpcFailure('cancelled', 'kept hosting');
        },
        'hosting:status': () => {
          throw new TypeError('boom');
        },
      },
      onError,
    );
    expect(await run('hosting:stop', appEvent(), undefined)).toEqual({ ok: false, error: { code: 'cancelled', message: 'kept hosting' } });
    expect(await run('hosting:status', appEvent(), undefined)).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    expect(onError).toHaveBeenCalledWith('hosting:status', expect.any(TypeError));
  });

  it('refuses to forward an answer that breaks its own schema', async () => {
    const run = dispatcher({ 'preferences:get': () => ({ displayName: 42 }) as never });
    expect(await run('preferences:get', appEvent(), undefined)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('strips fields the schema does not name from answers', async () => {
    const run = dispatcher({ 'preferences:get': () => ({ displayName: 'Ada', secret: 'x' }) as never });
    expect(await run('preferences:get', appEvent(), undefined)).toEqual({ ok: true, data: { displayName: 'Ada' } });
  });
});

describe('registerIpc', () => {
  it('registers one handler per channel and routes through the dispatcher', async () => {
    const registered = new Map<string, (event: unknown, arg: unknown) => unknown>();
    const ipcMain = { handle: vi.fn((c: string, f: never) => registered.set(c, f)), removeHandler: vi.fn((c: string) => registered.delete(c)) };
    const unregister = registerIpc(ipcMain, dispatcher());
    expect([...registered.keys()].sort()).toEqual([...invokeChannelNames].sort());
    expect(await registered.get('preferences:get')!(appEvent(), undefined)).toEqual({ ok: true, data: { displayName: 'Ada' } });
    expect(await registered.get('preferences:get')!(eventFrom('https://evil.example/'), undefined)).toMatchObject({ ok: false });
    unregister();
    expect(registered.size).toBe(0);
  });
});

describe('sendEvent', () => {
  it('sends to a live window and drops silently for a destroyed one', () => {
    const live = { send: vi.fn(), isDestroyed: () => false };
    const dead = { send: vi.fn(), isDestroyed: () => true };
    sendEvent(live, 'app:notice', { level: 'info', message: 'hi' });
    sendEvent(dead, 'app:notice', { level: 'info', message: 'hi' });
    sendEvent(undefined, 'app:notice', { level: 'info', message: 'hi' });
    expect(live.send).toHaveBeenCalledWith('app:notice', { level: 'info', message: 'hi' });
    expect(dead.send).not.toHaveBeenCalled();
  });
});
