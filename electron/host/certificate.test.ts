import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirError, loadOrCreateCertificate } from './certificate';

const made: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-datadir-'));
  made.push(dir);
  return dir;
}
afterEach(() => made.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const keyMatches = (identity: { cert: string; key: string }) => new X509Certificate(identity.cert).checkPrivateKey(createPrivateKey(identity.key));

describe('the data directory (issue 9, item 11)', () => {
  it('is created 0700 with the key 0600, and the kept certificate is reused', async () => {
    const dataDir = path.join(tempDir(), 'nested', 'roundtable');
    const first = await loadOrCreateCertificate(dataDir, ['127.0.0.1']);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'host-key.pem'))).toBe(0o600);
    expect(keyMatches(first)).toBe(true);
    const again = await loadOrCreateCertificate(dataDir, ['127.0.0.1']);
    expect(again.fingerprint).toBe(first.fingerprint);
    // Nothing but the pair is left behind (no temp files).
    expect(fs.readdirSync(dataDir).sort()).toEqual(['host-cert.pem', 'host-key.pem']);
  });

  it('closes a directory and a key that were left open to others', async () => {
    const dataDir = tempDir();
    const first = await loadOrCreateCertificate(dataDir, ['127.0.0.1']);
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, 'host-key.pem'), 0o644);
    const again = await loadOrCreateCertificate(dataDir, ['127.0.0.1']);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'host-key.pem'))).toBe(0o600);
  });

  it('writes a regenerated key 0600 even over an old key file that was 0644', async () => {
    const dataDir = tempDir();
    const first = await loadOrCreateCertificate(dataDir, ['127.0.0.1']);
    fs.chmodSync(path.join(dataDir, 'host-key.pem'), 0o644);
    // A new announced address makes a new certificate, overwriting the old files.
    const renewed = await loadOrCreateCertificate(dataDir, ['10.1.2.3']);
    expect(renewed.fingerprint).not.toBe(first.fingerprint);
    expect(mode(path.join(dataDir, 'host-key.pem'))).toBe(0o600);
    expect(fs.readFileSync(path.join(dataDir, 'host-key.pem'), 'utf8')).toBe(renewed.key);
  });

  it('regenerates a pair whose key does not belong to the certificate', async () => {
    const [dirA, dirB] = [tempDir(), tempDir()];
    const a = await loadOrCreateCertificate(dirA, ['127.0.0.1']);
    const b = await loadOrCreateCertificate(dirB, ['127.0.0.1']);
    fs.writeFileSync(path.join(dirA, 'host-key.pem'), b.key, { mode: 0o600 });
    const repaired = await loadOrCreateCertificate(dirA, ['127.0.0.1']);
    expect(repaired.fingerprint).not.toBe(a.fingerprint);
    expect(keyMatches(repaired)).toBe(true);
    expect(fs.readFileSync(path.join(dirA, 'host-cert.pem'), 'utf8')).toBe(repaired.cert);
  });

  it('regenerates a damaged key or certificate', async () => {
    const dataDir = tempDir();
    await loadOrCreateCertificate(dataDir, ['127.0.0.1']);
    fs.writeFileSync(path.join(dataDir, 'host-key.pem'), 'not a key');
    expect(keyMatches(await loadOrCreateCertificate(dataDir, ['127.0.0.1']))).toBe(true);
    fs.writeFileSync(path.join(dataDir, 'host-cert.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(keyMatches(await loadOrCreateCertificate(dataDir, ['127.0.0.1']))).toBe(true);
  });

  it('refuses a data directory that is a symlink', async () => {
    const parent = tempDir();
    const elsewhere = tempDir();
    const link = path.join(parent, 'roundtable');
    fs.symlinkSync(elsewhere, link);
    await expect(loadOrCreateCertificate(link, ['127.0.0.1'])).rejects.toBeInstanceOf(DataDirError);
    await expect(loadOrCreateCertificate(link, ['127.0.0.1'])).rejects.toThrow(/symbolic link/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  it('refuses a key or certificate that is a symlink, and leaves its target alone', async () => {
    for (const name of ['host-key.pem', 'host-cert.pem']) {
      const dataDir = tempDir();
      const victim = path.join(tempDir(), 'victim.txt');
      fs.writeFileSync(victim, 'do not touch', { mode: 0o644 });
      fs.symlinkSync(victim, path.join(dataDir, name));
      await expect(loadOrCreateCertificate(dataDir, ['127.0.0.1'])).rejects.toThrow(DataDirError);
      expect(fs.readFileSync(victim, 'utf8')).toBe('do not touch');
      expect(mode(victim)).toBe(0o644);
    }
  });

  it('refuses a data directory path that is a file', async () => {
    const file = path.join(tempDir(), 'not-a-dir');
    fs.writeFileSync(file, '');
    await expect(loadOrCreateCertificate(file, ['127.0.0.1'])).rejects.toThrow(/not a directory/);
  });
});
