import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { MeetingState } from '../../shared/ipc';
import { askCloseDuringMeeting, mustAskOnClose } from './closeGuard';
import { IpcFailure } from './ipc';
import { MiniWindowController, type MiniWindowLike } from './miniWindow';
import { Notifier, plainText } from './notifications';
import { idleMeeting, TrayController, trayModel } from './trayMenu';
import { dailyMs, resolveFeedUrl, UpdateController } from './updates';

const meeting = (patch: Partial<MeetingState> = {}): MeetingState => ({ ...idleMeeting, inMeeting: true, roomId: 'standup', ...patch });

describe('tray menu per meeting state', () => {
  it('says what is going on and offers Mute/Leave only in a meeting', () => {
    expect(trayModel(idleMeeting)).toEqual({
      tooltip: 'Roundtable: Not in a meeting',
      items: [
        { label: 'Not in a meeting', enabled: false },
        { label: 'Mute', action: 'toggleMute', enabled: false },
        { label: 'Leave meeting', action: 'leave', enabled: false },
        { label: 'Show Roundtable', action: 'show', enabled: true },
        { label: 'Quit', action: 'quit', enabled: true },
      ],
    });
    expect(trayModel(meeting()).tooltip).toBe('Roundtable: In a meeting “standup”');
    expect(trayModel(meeting({ hosting: true, muted: true })).tooltip).toBe('Roundtable: Hosting “standup” (muted)');
    expect(trayModel(meeting({ muted: true })).items[1]).toEqual({ label: 'Unmute', action: 'toggleMute', enabled: true });
    expect(trayModel({ ...idleMeeting, hosting: true }).tooltip).toBe('Roundtable: Hosting a meeting');
  });

  it('the controller keeps the tray in step and routes clicks', () => {
    const port = { setToolTip: vi.fn(), setMenu: vi.fn() };
    const onAction = vi.fn();
    const tray = new TrayController(port, onAction);
    tray.update(meeting({ muted: true }));
    expect(port.setToolTip).toHaveBeenLastCalledWith('Roundtable: In a meeting “standup” (muted)');
    const items = port.setMenu.mock.calls.at(-1)![0] as { label: string; click?: () => void }[];
    items.find((item) => item.label === 'Unmute')!.click!();
    items.find((item) => item.label === 'Leave meeting')!.click!();
    expect(onAction.mock.calls).toEqual([['toggleMute'], ['leave']]);
    expect(items[0]!.click).toBeUndefined();
  });
});

describe('closing the window during a meeting', () => {
  it('asks only in a meeting or while hosting, and never while quitting', () => {
    expect(mustAskOnClose(idleMeeting, false)).toBe(false);
    expect(mustAskOnClose(meeting(), false)).toBe(true);
    expect(mustAskOnClose({ ...idleMeeting, hosting: true }, false)).toBe(true);
    expect(mustAskOnClose(meeting(), true)).toBe(false);
  });

  it('maps the answer to leave / keep in tray / cancel', async () => {
    const ask = vi.fn(async (_options: { buttons: string[] }) => 1);
    expect(await askCloseDuringMeeting({ ask }, meeting())).toBe('tray');
    expect(ask.mock.calls[0]![0]).toMatchObject({ buttons: ['Leave meeting', 'Keep running in tray', 'Cancel'], defaultId: 1, cancelId: 2 });
    expect(await askCloseDuringMeeting({ ask: async () => 0 }, meeting({ hosting: true }))).toBe('leave');
    expect(await askCloseDuringMeeting({ ask: async () => 2 }, meeting())).toBe('cancel');
    expect(await askCloseDuringMeeting({ ask: async () => 7 }, meeting())).toBe('cancel');
  });
});

class FakeMiniWindow extends EventEmitter implements MiniWindowLike {
  destroyed = false;
  onTop: unknown[] = [];
  protectedContent = false;
  shown = 0;
  showInactive() {
    this.shown++;
  }
  close() {
    this.destroyed = true;
    this.emit('closed');
  }
  isDestroyed() {
    return this.destroyed;
  }
  setAlwaysOnTop(...args: unknown[]) {
    this.onTop = args;
  }
  setContentProtection(enable: boolean) {
    this.protectedContent = enable;
  }
}

describe('mini window while sharing', () => {
  function setup() {
    const windows: FakeMiniWindow[] = [];
    const protectMain = vi.fn();
    const send = vi.fn();
    const mini = new MiniWindowController({ open: () => (windows.push(new FakeMiniWindow()), windows.at(-1)!), protectMain, send });
    return { mini, windows, protectMain, send };
  }

  it('opens always-on-top and capture-protected when sharing starts, closes when it stops', () => {
    const { mini, windows, protectMain, send } = setup();
    mini.update(meeting());
    expect(windows).toHaveLength(0);
    mini.update(meeting({ sharing: true }));
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({ onTop: [true, 'floating'], protectedContent: true, shown: 1 });
    expect(protectMain).toHaveBeenLastCalledWith(true);
    mini.update(meeting({ sharing: true, muted: true }));
    expect(windows).toHaveLength(1);
    expect(send).toHaveBeenLastCalledWith(windows[0], meeting({ sharing: true, muted: true }));
    mini.update(meeting());
    expect(windows[0]!.destroyed).toBe(true);
    expect(protectMain).toHaveBeenLastCalledWith(false);
    expect(mini.open).toBe(false);
  });

  it('stays closed if the user closed it during this share, opens again on the next share', () => {
    const { mini, windows } = setup();
    mini.update(meeting({ sharing: true }));
    windows[0]!.close();
    mini.update(meeting({ sharing: true, muted: true }));
    expect(windows).toHaveLength(1);
    mini.update(meeting());
    mini.update(meeting({ sharing: true }));
    expect(windows).toHaveLength(2);
  });

  it('closes when the meeting ends while sharing', () => {
    const { mini, windows } = setup();
    mini.update(meeting({ sharing: true }));
    mini.update({ ...idleMeeting, sharing: true });
    expect(windows[0]!.destroyed).toBe(true);
  });
});

describe('OS notifications', () => {
  function setup(focused = false) {
    const show = vi.fn();
    let now = 0;
    const focusWindow = vi.fn();
    const notifier = new Notifier({ port: { isSupported: () => true, show }, isWindowFocused: () => focused, enabled: () => true, focusWindow, now: () => now });
    return { notifier, show, focusWindow, advance: (ms: number) => (now += ms) };
  }

  it('shows chat and hands only while the window is not focused', () => {
    expect(setup(true).notifier.show({ kind: 'chat', title: 'Ada', body: 'hi' })).toBe(false);
    const { notifier, show, focusWindow } = setup(false);
    expect(notifier.show({ kind: 'hand', title: 'Ada raised a hand', body: '' })).toBe(true);
    expect(show).toHaveBeenCalledWith({ title: 'Ada raised a hand', body: '', silent: false }, expect.any(Function));
    (show.mock.calls[0]![1] as () => void)();
    expect(focusWindow).toHaveBeenCalled();
  });

  it('does not flood: one per kind per few seconds', () => {
    const { notifier, advance } = setup();
    expect(notifier.show({ kind: 'chat', title: 'Ada', body: '1' })).toBe(true);
    expect(notifier.show({ kind: 'chat', title: 'Ada', body: '2' })).toBe(false);
    expect(notifier.show({ kind: 'hand', title: 'Bob', body: '' })).toBe(true);
    advance(3_000);
    expect(notifier.show({ kind: 'chat', title: 'Ada', body: '3' })).toBe(true);
  });

  it('shows peers\' text as plain text: no bidi tricks, no control characters, bounded', () => {
    expect(plainText('gnp\u202E.exe\u0007\n\nok', 80)).toBe('gnp .exe ok');
    expect(plainText('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  feed: unknown;
  checks = 0;
  installs = 0;
  failNext = false;
  setFeedURL(options: unknown) {
    this.feed = options;
  }
  async checkForUpdates() {
    this.checks++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('offline');
    }
    return null;
  }
  quitAndInstall() {
    this.installs++;
  }
}

describe('auto-update state machine', () => {
  function setup(options: { inMeeting?: boolean } = {}) {
    const updater = new FakeUpdater();
    let inMeeting = options.inMeeting ?? false;
    const changes: unknown[] = [];
    let tick: (() => void) | undefined;
    const controller = new UpdateController({
      loadUpdater: async () => updater,
      feedUrl: 'https://updates.office.example/roundtable/',
      isInMeeting: () => inMeeting,
      onChange: (status) => changes.push(status),
      setInterval: (callback, ms) => {
        expect(ms).toBe(dailyMs);
        tick = callback;
        return 1;
      },
      clearInterval: () => (tick = undefined),
    });
    return { updater, controller, changes, setMeeting: (value: boolean) => (inMeeting = value), tick: () => tick?.() };
  }

  it('takes its feed from settings (https only) or the installer', () => {
    expect(resolveFeedUrl('https://updates.office.example/rt/', false)).toEqual({ url: 'https://updates.office.example/rt/' });
    expect(resolveFeedUrl('http://updates.office.example/rt/', true).disabled).toMatch(/https/);
    expect(resolveFeedUrl(undefined, true)).toEqual({});
    expect(resolveFeedUrl(undefined, false).disabled).toMatch(/no update server/);
  });

  it('checks on start and daily, downloads in the background, then offers the restart', async () => {
    const { updater, controller } = setup();
    await controller.start();
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://updates.office.example/roundtable/' });
    expect(updater.autoDownload).toBe(true);
    expect(updater.checks).toBe(1);
    updater.emit('checking-for-update');
    expect(controller.status()).toEqual({ state: 'checking', canRestart: false });
    updater.emit('update-available', { version: '0.2.0' });
    updater.emit('download-progress', { percent: 42.5 });
    expect(controller.status()).toEqual({ state: 'downloading', version: '0.2.0', percent: 42.5, canRestart: false });
    updater.emit('update-downloaded', { version: '0.2.0' });
    expect(controller.status()).toEqual({ state: 'ready', version: '0.2.0', canRestart: true });
    controller.restart();
    expect(updater.installs).toBe(1);
  });

  it('never restarts during a meeting; the offer comes back when the meeting ends', async () => {
    const { updater, controller, changes, setMeeting } = setup({ inMeeting: true });
    await controller.start();
    updater.emit('update-downloaded', { version: '0.2.0' });
    expect(controller.status().canRestart).toBe(false);
    expect(() => controller.restart()).toThrow(IpcFailure);
    expect(updater.installs).toBe(0);
    setMeeting(false);
    controller.meetingChanged();
    expect(changes.at(-1)).toEqual({ state: 'ready', version: '0.2.0', canRestart: true });
  });

  it('a failed check is an error state, retried by the daily timer; a later error keeps a ready update', async () => {
    const { updater, controller, tick } = setup();
    updater.failNext = true;
    await controller.start();
    return vi.waitFor(() => expect(controller.status()).toMatchObject({ state: 'error', message: 'offline' })).then(() => {
      tick();
      expect(updater.checks).toBe(2);
      updater.emit('update-downloaded', { version: '0.3.0' });
      updater.emit('error', new Error('network went away'));
      expect(controller.status()).toMatchObject({ state: 'ready', version: '0.3.0' });
      expect(() => new UpdateController({ loadUpdater: undefined, disabledReason: 'dev', isInMeeting: () => false, onChange: () => undefined }).restart()).toThrow(
        /no update is ready/,
      );
    });
  });
});
