import path from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { ensurePrivateDir, readPrivateFile, restrictFileMode, writePrivateFile } from './dataDir';

export { DataDirError } from './dataDir';

export interface TlsIdentity {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (as browsers and Electron show it). */
  fingerprint: string;
}

const CERT_FILE = 'host-cert.pem';
const KEY_FILE = 'host-key.pem';
const KEY_MODE = 0o600;
const CERT_MODE = 0o644;
const renewBeforeMs = 7 * 86_400_000;

/** Why a kept certificate cannot be used as it is; undefined when it can. */
export function staleReason(cert: string, key: string, hostAddresses: string[], now = Date.now()): string | undefined {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    return 'the certificate does not parse';
  }
  try {
    // A key from another pair (a half-finished copy, a swapped file) would make every TLS handshake fail.
    if (!x509.checkPrivateKey(createPrivateKey(key))) return 'the key does not belong to the certificate';
  } catch {
    return 'the key does not parse';
  }
  if (new Date(x509.validTo).getTime() <= now + renewBeforeMs) return 'the certificate expires';
  if (!hostAddresses.every((ip) => x509.checkIP(ip) !== undefined || x509.checkHost(ip) !== undefined)) {
    return 'the certificate does not name the announced address';
  }
  return undefined;
}

/**
 * The host's self-signed certificate: generated on first run and kept in the data directory, so
 * its fingerprint (which join links carry for pinning) stays the same across restarts. It is
 * regenerated when it expires, no longer names the announced address, or its key does not match.
 *
 * The directory is 0700 and the key 0600 (also when rewritten); symlinks in place of the directory
 * or its files are refused with a {@link DataDirError} rather than followed.
 */
export async function loadOrCreateCertificate(dataDir: string, hostAddresses: string[]): Promise<TlsIdentity> {
  const certPath = path.join(dataDir, CERT_FILE);
  const keyPath = path.join(dataDir, KEY_FILE);
  await ensurePrivateDir(dataDir);
  const [cert, key] = await Promise.all([readPrivateFile(certPath), readPrivateFile(keyPath)]);
  if (cert !== undefined && key !== undefined && staleReason(cert, key, hostAddresses) === undefined) {
    await restrictFileMode(keyPath, KEY_MODE);
    return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256 };
  }

  const altNames = [
    { type: 2 as const, value: 'localhost' },
    ...[...new Set(['127.0.0.1', ...hostAddresses])].map((ip) => ({ type: 7 as const, ip })),
  ];
  const generated = await generate([{ name: 'commonName', value: 'Roundtable host' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 825 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  // Key first: a crash between the two renames leaves a new key with the old certificate, which
  // the pair check above catches on the next start.
  await writePrivateFile(keyPath, generated.private, KEY_MODE);
  await writePrivateFile(certPath, generated.cert, CERT_MODE);
  return { cert: generated.cert, key: generated.private, fingerprint: new X509Certificate(generated.cert).fingerprint256 };
}
