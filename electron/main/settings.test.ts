import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings, normalizeSettings, SettingsStore, type KeyValueStore } from './settings';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** The same file layout electron-store uses (cwd/name.json), through `conf` under plain Node. */
function storeIn(contents?: string) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-settings-'));
  dirs.push(cwd);
  const file = path.join(cwd, 'settings.json');
  if (contents !== undefined) fs.writeFileSync(file, contents);
  const create = () => new Conf<Record<string, unknown>>({ cwd, configName: 'settings', projectName: 'roundtable-test' }) as KeyValueStore;
  return { cwd, file, open: () => SettingsStore.open({ create, file, now: () => 1234 }) };
}

const onDisk = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('SettingsStore with a real conf file', () => {
  it('starts with defaults and no notice when there is no file', () => {
    const { open } = storeIn();
    const store = open();
    expect(store.get()).toEqual(defaultSettings);
    expect(store.notice).toBeUndefined();
  });

  it('moves a corrupt file aside, resets, tells the user, and does not throw', () => {
    const { open, file, cwd } = storeIn('{"displayName": "Ada", oops');
    const store = open();
    expect(store.get()).toEqual(defaultSettings);
    expect(store.notice).toMatch(/damaged.*reset/);
    expect(fs.readFileSync(path.join(cwd, 'settings.json.corrupt-1234'), 'utf8')).toBe('{"displayName": "Ada", oops');
    expect(onDisk(file)).toMatchObject({ version: 1, displayName: '' });
  });

  it('migrates version-0 settings (flat devices and ports)', () => {
    const { open, file } = storeIn(JSON.stringify({ displayName: 'Ada', cameraId: 'cam-1', httpPort: 5443 }));
    const store = open();
    expect(store.get()).toMatchObject({ version: 1, displayName: 'Ada', devices: { cameraId: 'cam-1' }, hostPorts: { http: 5443, rtc: 40000 } });
    expect(store.notice).toMatch(/upgraded/);
    expect(onDisk(file)).toMatchObject({ version: 1, devices: { cameraId: 'cam-1' } });
    expect(onDisk(file)).not.toHaveProperty('cameraId');
  });

  it('keeps valid fields and resets only the invalid ones', () => {
    const { open } = storeIn(
      JSON.stringify({ version: 1, displayName: 'Ada', hostPorts: { http: 'eighty', rtc: 40000 }, announcedIp: 'not-an-ip', recentMeetings: 'nope' }),
    );
    const store = open();
    expect(store.get()).toMatchObject({ displayName: 'Ada', hostPorts: { http: 4443, rtc: 40000 }, recentMeetings: [] });
    expect(store.get().announcedIp).toBeUndefined();
    expect(store.notice).toContain('hostPorts');
    expect(store.notice).toContain('announcedIp');
    expect(store.notice).toContain('recentMeetings');
    expect(store.notice).not.toContain('displayName');
  });

  it('resets settings from a newer version instead of misreading them', () => {
    const { open } = storeIn(JSON.stringify({ version: 9, displayName: 'Future' }));
    const store = open();
    expect(store.get()).toEqual(defaultSettings);
    expect(store.notice).toMatch(/newer/);
  });

  it('persists preferences and recent meetings across reopen', () => {
    const { open } = storeIn();
    const first = open();
    expect(first.setPreferences({ displayName: 'Grace', microphoneId: 'mic-2' })).toEqual({ displayName: 'Grace', microphoneId: 'mic-2' });
    first.setPreferences({ cameraId: 'cam-3' });
    first.addRecentMeeting({ url: 'https://10.0.0.5:4443/?room=a', roomId: 'a' }, 1);
    first.addRecentMeeting({ url: 'https://10.0.0.5:4443/?room=b', roomId: 'b' }, 2);
    first.addRecentMeeting({ url: 'https://10.0.0.5:4443/?room=a', roomId: 'a' }, 3);
    const second = open();
    expect(second.notice).toBeUndefined();
    expect(second.preferences()).toEqual({ displayName: 'Grace', microphoneId: 'mic-2', cameraId: 'cam-3' });
    expect(second.get().recentMeetings.map((m) => m.roomId)).toEqual(['a', 'b']);
  });

  it('persists the media effects (noise suppression, background) with the other preferences', () => {
    const { open } = storeIn();
    const picture = 'data:image/jpeg;base64,/9j/4AAQ';
    open().setPreferences({ noiseSuppression: false, backgroundEffect: 'image', backgroundImage: picture });
    open().setPreferences({ backgroundEffect: 'blur' });
    expect(open().preferences()).toEqual({ displayName: '', noiseSuppression: false, backgroundEffect: 'blur', backgroundImage: picture });
  });
});

describe('normalizeSettings', () => {
  it.each([null, 42, 'text', [1, 2]])('resets a non-object (%s) with a notice', (raw) => {
    const result = normalizeSettings(raw);
    expect(result.settings).toEqual(defaultSettings);
    expect(result.notice).toBeDefined();
  });
});
