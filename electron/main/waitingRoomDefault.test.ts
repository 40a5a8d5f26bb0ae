/**
 * The desktop app's "start my meetings with a waiting room" setting: kept in the settings file,
 * given to the embedded host, and applied to each room the app starts hosting (also after a change
 * while the host already runs). Real Host on loopback; guests through real sockets.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostConfigInput } from '../host/config';
import { createLogger } from '../host/logger';
import { rawClient } from '../../tests/support/rawClient';
import { rawJoin } from '../../tests/security/support';
import { desktopHostConfig, HostingService, type HostLike } from './hosting';
import { defaultSettings, SettingsStore, type KeyValueStore } from './settings';

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-waiting-default-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const openStore = (cwd: string) =>
  SettingsStore.open({ file: path.join(cwd, 'settings.json'), create: (): KeyValueStore => new Conf<Record<string, unknown>>({ cwd, configName: 'settings', projectName: 'rt' }) });

describe('waiting room by default for meetings hosted on this computer', () => {
  it('is kept in the settings file and offered as a preference', () => {
    const cwd = tempDir();
    expect(openStore(cwd).preferences()).not.toHaveProperty('waitingRoom');
    expect(openStore(cwd).setPreferences({ waitingRoom: true })).toMatchObject({ waitingRoom: true });
    expect(openStore(cwd).get().waitingRoom).toBe(true);
    expect(openStore(cwd).preferences().waitingRoom).toBe(true);
  });

  it('goes into the embedded host config', () => {
    expect(desktopHostConfig({ ...defaultSettings, waitingRoom: true }, { dataDir: '/d', webRoot: '/w' })).toMatchObject({ waitingRoom: true });
  });

  it('applies to each room the app starts hosting, as the setting is at that moment', async () => {
    let waitingRoom = true;
    // The app's own config, on loopback with ephemeral ports for the test.
    const config = (): HostConfigInput => ({
      ...desktopHostConfig({ ...defaultSettings, waitingRoom }, { dataDir: tempDir(), webRoot: tempDir() }),
      listenIp: '127.0.0.1', announcedIp: '127.0.0.1', httpPort: 0, rtcPort: 0, workers: 1, tls: false, discovery: false,
    });
    const startHost = async (input: HostConfigInput): Promise<HostLike> => (await import('../host/Host')).Host.start(input, { logger: createLogger('silent') });
    const hosting = new HostingService({ startHost, config, confirmStop: async () => true });
    try {
      const first = await hosting.start('with-waiting');
      const guest = await rawClient(first.baseUrl);
      const told = new Promise<{ maxWaitMs: number }>((resolve) => guest.socket.once('waiting', resolve));
      void rawJoin(guest, 'with-waiting', 'Guest').catch(() => undefined);
      expect((await told).maxWaitMs).toBeGreaterThan(0);
      guest.close();

      waitingRoom = false; // changed in the lobby while the host runs
      const second = await hosting.start('walk-in');
      const walkIn = await rawClient(second.baseUrl);
      expect((await rawJoin(walkIn, 'walk-in', 'Guest')).ok).toBe(true);
      walkIn.close();
    } finally {
      await hosting.stop({ confirm: false });
    }
  });
});
