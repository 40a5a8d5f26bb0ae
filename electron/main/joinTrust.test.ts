import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadOrCreateCertificate, type TlsIdentity } from '../host/certificate';
import { CertificatePins, normalizeFingerprint, type PinRecord } from './certificates';
import { IpcFailure } from './ipc';
import { decideJoinTrust, JoinTrust } from './joinTrust';
import { probeCertificate, ProbeError } from './tlsProbe';

const A = 'aa'.repeat(32);
const B = 'bb'.repeat(32);

describe('decideJoinTrust', () => {
  it('a kept pin wins over whatever a link says', () => {
    expect(decideJoinTrust({ kept: A, presented: A })).toEqual({ kind: 'trusted' });
    expect(decideJoinTrust({ kept: A, linkFingerprint: B, presented: A })).toEqual({ kind: 'trusted' });
    // A link naming the new certificate does not replace the pin: only the user can.
    expect(decideJoinTrust({ kept: A, linkFingerprint: B, presented: B })).toEqual({ kind: 'changed', kept: A, presented: B });
    expect(decideJoinTrust({ kept: A, presented: B })).toEqual({ kind: 'changed', kept: A, presented: B });
  });

  it('a first Join pins what the link names, and only if the host presents it', () => {
    expect(decideJoinTrust({ linkFingerprint: A, presented: A })).toEqual({ kind: 'pin', fingerprint: A });
    expect(decideJoinTrust({ linkFingerprint: A, presented: B })).toEqual({ kind: 'link_mismatch', linkFingerprint: A, presented: B });
    expect(decideJoinTrust({ presented: B })).toEqual({ kind: 'unpinned' });
  });
});

/** Real TLS servers on loopback, each with its own self-signed certificate. */
const dirs: string[] = [];
const servers: https.Server[] = [];
let first: TlsIdentity;
let second: TlsIdentity;

async function serve(identity: TlsIdentity, port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const server = https.createServer({ cert: identity.cert, key: identity.key }, (_req, res) => res.end('ok'));
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  const make = async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-join-trust-'));
    dirs.push(dir);
    return loadOrCreateCertificate(dir, ['127.0.0.1']);
  };
  [first, second] = await Promise.all([make(), make()]);
});
afterAll(() => {
  servers.forEach((server) => server.close());
  dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

const hex = (identity: TlsIdentity) => normalizeFingerprint(identity.fingerprint)!;

function setup() {
  let saved: Record<string, PinRecord> = {};
  const storage = { load: () => saved, save: (pins: Record<string, PinRecord>) => void (saved = pins) };
  const pins = new CertificatePins(storage);
  const trusted: string[] = [];
  const onPinsChanged = vi.fn();
  const trust = new JoinTrust({ pins, probe: (host, port) => probeCertificate(host, port, 2_000), onPinsChanged, trustOrigin: (url) => trusted.push(url) });
  return { trust, pins, trusted, onPinsChanged, restart: () => new CertificatePins(storage) };
}

async function failure(promise: Promise<unknown>): Promise<IpcFailure> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(IpcFailure);
  return error as IpcFailure;
}

describe('probeCertificate (real TLS on loopback)', () => {
  it('answers the fingerprint the server presents', async () => {
    const server = await serve(first);
    expect(await probeCertificate('127.0.0.1', server.port)).toBe(hex(first));
  });

  it('fails with a ProbeError when nothing listens', async () => {
    const server = await serve(first);
    await server.close();
    await expect(probeCertificate('127.0.0.1', server.port, 2_000)).rejects.toBeInstanceOf(ProbeError);
  });

  it('fails with a ProbeError when the peer never completes a handshake', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      await expect(probeCertificate('127.0.0.1', (silent.address() as net.AddressInfo).port, 300)).rejects.toThrow(/did not answer/);
    } finally {
      silent.close();
    }
  });
});

describe('JoinTrust (issue 9, item 10)', () => {
  it('a first explicit Join keeps the pin the link names, per host:port, across a restart', async () => {
    const { trust, pins, trusted, onPinsChanged, restart } = setup();
    const server = await serve(first);
    const url = `https://127.0.0.1:${server.port}`;
    await trust.verify(url, hex(first));
    expect(pins.kept(`127.0.0.1:${server.port}`)?.fingerprint).toBe(hex(first));
    expect(onPinsChanged).toHaveBeenCalledTimes(1);
    expect(trusted).toEqual([url]);
    expect(restart().kept(`127.0.0.1:${server.port}`)?.fingerprint).toBe(hex(first));
    // The same host again: trusted, nothing re-pinned.
    await trust.verify(url);
    expect(onPinsChanged).toHaveBeenCalledTimes(1);
  });

  it('refuses a host that presents another certificate than its link names, and pins nothing', async () => {
    const { trust, pins } = setup();
    const server = await serve(second);
    const error = await failure(trust.verify(`https://127.0.0.1:${server.port}`, hex(first)));
    expect(error.code).toBe('host_identity_mismatch');
    expect(pins.kept(`127.0.0.1:${server.port}`)).toBeUndefined();
  });

  it('a changed certificate on a kept host:port is refused with both fingerprints until the user confirms', async () => {
    const { trust, pins, onPinsChanged } = setup();
    const before = await serve(first);
    const url = `https://127.0.0.1:${before.port}`;
    await trust.verify(url, hex(first));
    await before.close();
    // Another machine (or an attacker) now answers on the same address and port, with a fresh link.
    const after = await serve(second, before.port);
    for (const link of [undefined, hex(first), hex(second)]) {
      const error = await failure(trust.verify(url, link));
      expect(error.code).toBe('host_identity_changed');
      expect(error.identity).toEqual({ host: `127.0.0.1:${after.port}`, pinnedFingerprint: hex(first), presentedFingerprint: hex(second) });
    }
    expect(pins.kept(`127.0.0.1:${after.port}`)?.fingerprint).toBe(hex(first));

    // Confirming a fingerprint the host does not present replaces nothing.
    expect((await failure(trust.replace(url, hex(first)))).code).toBe('host_identity_changed');
    expect(pins.kept(`127.0.0.1:${after.port}`)?.fingerprint).toBe(hex(first));

    await trust.replace(url, hex(second));
    expect(pins.kept(`127.0.0.1:${after.port}`)?.fingerprint).toBe(hex(second));
    expect(onPinsChanged).toHaveBeenCalledTimes(2);
    await trust.verify(url);
  });

  it('an unreachable host is a typed unavailable error, not a crash', async () => {
    const { trust } = setup();
    const server = await serve(first);
    await server.close();
    expect((await failure(trust.verify(`https://127.0.0.1:${server.port}`, hex(first)))).code).toBe('unavailable');
  });

  it('public hosts and plain http are left to normal validation: nothing probed, nothing pinned', async () => {
    const probe = vi.fn(async () => A);
    const pins = new CertificatePins();
    const trusted: string[] = [];
    const trust = new JoinTrust({ pins, probe, onPinsChanged: vi.fn(), trustOrigin: (url) => trusted.push(url) });
    await trust.verify('https://meet.example.com', A);
    await trust.verify('http://127.0.0.1:4780');
    expect(probe).not.toHaveBeenCalled();
    expect(pins.kept('meet.example.com:443')).toBeUndefined();
    expect(trusted).toEqual(['https://meet.example.com', 'http://127.0.0.1:4780']);
    expect((await failure(trust.replace('https://meet.example.com', A))).code).toBe('bad_request');
  });
});
