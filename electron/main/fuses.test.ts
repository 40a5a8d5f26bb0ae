import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options } from '@electron/fuses';
import { PlatformPackager } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

/**
 * The Electron binary cannot be flipped on this machine (it cannot be downloaded), so this checks
 * what electron-builder will flip: electron-builder.yml read and validated by electron-builder's
 * own loader, then turned into @electron/fuses' config by the same code the packager runs.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function packagingConfig() {
  const config = await getConfig(root, null, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

describe('Electron fuses at packaging (issue 9, item 12)', () => {
  it('electron-builder.yml is valid for the installed electron-builder and sets every fuse', async () => {
    const config = await packagingConfig();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
    // onlyLoadAppFromAsar needs an asar archive (electron-builder's default).
    expect(config.asar).not.toBe(false);
  });

  it('the packager turns it into the fuse wire we want, leaving no fuse at its default', async () => {
    const config = await packagingConfig();
    const generate = (PlatformPackager.prototype as unknown as { generateFuseConfig(fuses: unknown): Promise<Record<number, boolean>> })
      .generateFuseConfig;
    const wire = await generate.call({}, config.electronFuses);
    expect(wire[FuseV1Options.RunAsNode]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    const known = Object.values(FuseV1Options).filter((value): value is number => typeof value === 'number');
    for (const fuse of known) expect(typeof wire[fuse], `fuse ${FuseV1Options[fuse]} is set explicitly`).toBe('boolean');
  });
});
