import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadOrCreateCertificate, type TlsIdentity } from '../host/certificate';
import { CertificatePins, fingerprintOfPem, installCertificatePinning, normalizeFingerprint } from './certificates';

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

describe('CertificatePins.decide', () => {
  it('trusts the pinned certificate for the pinned host only', () => {
    const pins = new CertificatePins();
    pins.pin('10.0.0.5', hex(hostCert));
    expect(pins.decide('10.0.0.5', hostCert.cert)).toEqual({ verdict: 'trust' });
    // Same certificate on another host: no pin there, Chromium's verification (which fails) decides.
    expect(pins.decide('10.0.0.6', hostCert.cert)).toEqual({ verdict: 'default' });
  });

  it('rejects a different certificate on a pinned host (impersonation)', () => {
    const pins = new CertificatePins();
    pins.pin('10.0.0.5', hex(hostCert));
    expect(pins.decide('10.0.0.5', otherCert.cert)).toEqual({ verdict: 'reject', expected: hex(hostCert), actual: hex(otherCert) });
    expect(pins.decide('10.0.0.5', 'garbage')).toMatchObject({ verdict: 'reject', actual: undefined });
  });

  it('ignores malformed pins and normalises host names', () => {
    const pins = new CertificatePins();
    expect(pins.pin('10.0.0.5', 'nothex')).toBe(false);
    expect(pins.decide('10.0.0.5', hostCert.cert)).toEqual({ verdict: 'default' });
    pins.pin('[FE80::1]', hostCert.fingerprint);
    expect(pins.decide('fe80::1', hostCert.cert)).toEqual({ verdict: 'trust' });
    pins.unpin('fe80::1');
    expect(pins.decide('fe80::1', hostCert.cert)).toEqual({ verdict: 'default' });
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
    const pinning = installCertificatePinning(session as never, app as never, { pins, onMismatch });
    const verify = (hostname: string, identity: TlsIdentity) =>
      new Promise<number>((resolve) => proc!({ hostname, certificate: { data: identity.cert } }, resolve));
    return { pins, verify, onMismatch, pinning, session, certificateError: () => onCertificateError! };
  }

  it('answers 0 for the pinned certificate, -2 for a mismatch, -3 (Chromium decides) otherwise', async () => {
    const { pins, verify, onMismatch } = install();
    pins.pin('10.0.0.5', hex(hostCert));
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
    pins.pin('10.0.0.5', hex(hostCert));
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
