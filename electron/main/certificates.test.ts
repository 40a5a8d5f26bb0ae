import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadOrCreateCertificate, type TlsIdentity } from '../host/certificate';
import { CertificatePins, fingerprintOfPem, installCertificatePinning, maxKeptPins, normalizeFingerprint, pinKeyOf, type PinRecord } from './certificates';

let hostCert: TlsIdentity;
let otherCert: TlsIdentity;
const dirs: string[] = [];

beforeAll(async () => {
  const make = async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-cert-'));
    dirs.push(dir);
    return loadOrCreateCertificate(dir, ['127.0.0.1']);
  };
  [hostCert, otherCert] = await Promise.all([make(), make()]);
});
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const hex = (identity: TlsIdentity) => normalizeFingerprint(identity.fingerprint)!;

describe('fingerprints', () => {
  it('match the host certificate fingerprint that join links carry', () => {
    expect(fingerprintOfPem(hostCert.cert)).toBe(new X509Certificate(hostCert.cert).fingerprint256.replaceAll(':', '').toLowerCase());
    expect(fingerprintOfPem(hostCert.cert)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOfPem('not a certificate')).toBeUndefined();
  });

  it('normalise the colon form and refuse anything else', () => {
    expect(normalizeFingerprint(hostCert.fingerprint)).toBe(fingerprintOfPem(hostCert.cert));
    expect(normalizeFingerprint('abc')).toBeUndefined();
  });
});

function memoryStorage(initial: Record<string, PinRecord> = {}) {
  let saved = { ...initial };
  return {
    load: () => saved,
    save: vi.fn((pins: Record<string, PinRecord>) => (saved = { ...pins })),
    get saved() {
      return saved;
    },
  };
}

describe('CertificatePins', () => {
  it('keys pins by host:port', () => {
    expect(pinKeyOf('https://10.0.0.5:4443/?room=a')).toBe('10.0.0.5:4443');
    expect(pinKeyOf('https://Meeting-Box.local/')).toBe('meeting-box.local:443');
    expect(pinKeyOf('https://[FE80::1]:4443/')).toBe('[fe80::1]:4443');
    expect(pinKeyOf('http://127.0.0.1:4780/')).toBeUndefined();
    expect(pinKeyOf('not a url')).toBeUndefined();
  });

  it('trusts the kept certificate for its host only', () => {
    const pins = new CertificatePins();
    pins.keep('10.0.0.5:4443', hex(hostCert));
    expect(pins.decide('10.0.0.5', hostCert.cert)).toEqual({ verdict: 'trust' });
    // Same certificate on another host: no pin there, Chromium's verification (which fails) decides.
    expect(pins.decide('10.0.0.6', hostCert.cert)).toEqual({ verdict: 'default' });
  });

  it('rejects a different certificate on a pinned host (impersonation)', () => {
    const pins = new CertificatePins();
    pins.keep('10.0.0.5:4443', hex(hostCert));
    expect(pins.decide('10.0.0.5', otherCert.cert)).toEqual({ verdict: 'reject', expected: hex(hostCert), actual: hex(otherCert) });
    expect(pins.decide('10.0.0.5', 'garbage')).toMatchObject({ verdict: 'reject', actual: undefined });
  });

  it('keeps two hosts behind one address apart (one pin per port, neither replaces the other)', () => {
    const pins = new CertificatePins();
    pins.keep('10.0.0.5:4443', hex(hostCert));
    pins.keep('10.0.0.5:5443', hex(otherCert));
    expect(pins.kept('10.0.0.5:4443')?.fingerprint).toBe(hex(hostCert));
    expect(pins.kept('10.0.0.5:5443')?.fingerprint).toBe(hex(otherCert));
    expect(pins.decide('10.0.0.5', hostCert.cert)).toEqual({ verdict: 'trust' });
    expect(pins.decide('10.0.0.5', otherCert.cert)).toEqual({ verdict: 'trust' });
  });

  it('survives a restart through its storage, and drops what storage should never have held', () => {
    const storage = memoryStorage({
      'evil.example.com:443': { fingerprint: hex(otherCert), pinnedAt: 1 },
      '10.0.0.7:4443': { fingerprint: 'NOT-HEX', pinnedAt: 1 },
    });
    const first = new CertificatePins(storage);
    first.keep('10.0.0.5:4443', hex(hostCert), 1000);
    expect(storage.saved['10.0.0.5:4443']).toEqual({ fingerprint: hex(hostCert), pinnedAt: 1000 });
    const restarted = new CertificatePins(storage);
    expect(restarted.decide('10.0.0.5', hostCert.cert)).toEqual({ verdict: 'trust' });
    expect(restarted.decide('evil.example.com', otherCert.cert)).toEqual({ verdict: 'default' });
    expect(restarted.kept('10.0.0.7:4443')).toBeUndefined();
  });

  it('never pins or honours a pin for a public hostname', () => {
    const pins = new CertificatePins();
    pins.keep('meet.example.com:443', hex(otherCert));
    pins.keep('8.8.8.8:4443', hex(otherCert));
    expect(pins.kept('meet.example.com:443')).toBeUndefined();
    expect(pins.decide('meet.example.com', otherCert.cert)).toEqual({ verdict: 'default' });
    expect(pins.decide('8.8.8.8', otherCert.cert)).toEqual({ verdict: 'default' });
  });

  it('ignores malformed fingerprints and normalises IPv6 host names', () => {
    const pins = new CertificatePins();
    pins.keep('10.0.0.5:4443', 'nothex');
    expect(pins.decide('10.0.0.5', hostCert.cert)).toEqual({ verdict: 'default' });
    pins.keep(pinKeyOf('https://[FE80::1]:4443/')!, hostCert.fingerprint);
    expect(pins.decide('fe80::1', hostCert.cert)).toEqual({ verdict: 'trust' });
    expect(pins.decide('[fe80::1]', hostCert.cert)).toEqual({ verdict: 'trust' });
  });

  it('keeps at most maxKeptPins, dropping the oldest', () => {
    const storage = memoryStorage();
    const pins = new CertificatePins(storage);
    for (let i = 0; i <= maxKeptPins; i++) pins.keep(`10.0.${i >> 8}.${i & 255}:4443`, hex(hostCert), i);
    expect(Object.keys(storage.saved)).toHaveLength(maxKeptPins);
    expect(pins.kept('10.0.0.0:4443')).toBeUndefined();
    expect(pins.kept(`10.0.1.0:4443`)).toBeDefined();
  });

  it("trusts this app's own host in memory only, and forgets it when hosting stops", () => {
    const storage = memoryStorage();
    const pins = new CertificatePins(storage);
    pins.trustOwnHost('https://192.168.1.20:4443', hostCert.fingerprint);
    expect(pins.decide('192.168.1.20', hostCert.cert)).toEqual({ verdict: 'trust' });
    expect(storage.save).not.toHaveBeenCalled();
    pins.forgetOwnHost('https://192.168.1.20:4443');
    expect(pins.decide('192.168.1.20', hostCert.cert)).toEqual({ verdict: 'default' });
  });
});

describe('installCertificatePinning', () => {
  function install() {
    const pins = new CertificatePins();
    let proc: ((request: { hostname: string; certificate: { data: string } }, callback: (result: number) => void) => void) | null = null;
    const session = { setCertificateVerifyProc: vi.fn((p) => (proc = p)) };
    let onCertificateError: ((...args: unknown[]) => void) | undefined;
    const app = { on: vi.fn((name: string, listener: never) => name === 'certificate-error' && (onCertificateError = listener)) };
    const onMismatch = vi.fn();
    const pinning = installCertificatePinning(session, app, { pins, onMismatch });
    const verify = (hostname: string, identity: TlsIdentity) =>
      new Promise<number>((resolve) => proc!({ hostname, certificate: { data: identity.cert } }, resolve));
    return { pins, verify, onMismatch, pinning, session, certificateError: () => onCertificateError! };
  }

  it('answers 0 for the pinned certificate, -2 for a mismatch, -3 (Chromium decides) otherwise', async () => {
    const { pins, verify, onMismatch } = install();
    pins.keep('10.0.0.5:4443', hex(hostCert));
    expect(await verify('10.0.0.5', hostCert)).toBe(0);
    expect(await verify('10.0.0.5', otherCert)).toBe(-2);
    expect(onMismatch).toHaveBeenCalledWith('10.0.0.5', expect.stringContaining('different certificate'));
    expect(await verify('example.com', otherCert)).toBe(-3);
  });

  it('re-installs the proc on refresh so cached failures are verified again', () => {
    const { pinning, session } = install();
    pinning.refresh();
    expect(session.setCertificateVerifyProc).toHaveBeenCalledTimes(2);
  });

  it('certificate-error: overrides only for the pinned certificate', () => {
    const { pins, certificateError } = install();
    pins.keep('10.0.0.5:4443', hex(hostCert));
    const run = (url: string, identity: TlsIdentity) => {
      const event = { preventDefault: vi.fn() };
      const callback = vi.fn();
      certificateError()(event, {}, url, 'net::ERR_CERT_AUTHORITY_INVALID', { data: identity.cert }, callback, true);
      return { prevented: event.preventDefault.mock.calls.length > 0, trusted: callback.mock.calls[0]?.[0] };
    };
    expect(run('https://10.0.0.5:4443/', hostCert)).toEqual({ prevented: true, trusted: true });
    expect(run('https://10.0.0.5:4443/', otherCert)).toEqual({ prevented: false, trusted: false });
    expect(run('https://10.0.0.9:4443/', hostCert)).toEqual({ prevented: false, trusted: false });
  });
});
