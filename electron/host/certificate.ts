import fs from 'node:fs/promises';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface TlsIdentity {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (as browsers and Electron show it). */
  fingerprint: string;
}

const CERT_FILE = 'host-cert.pem';
const KEY_FILE = 'host-key.pem';

/**
 * The host's self-signed certificate: generated on first run and kept in the data directory, so
 * its fingerprint (which join links carry for pinning) stays the same across restarts. It is
 * regenerated when it expires or no longer names the announced address.
 */
export async function loadOrCreateCertificate(dataDir: string, hostAddresses: string[]): Promise<TlsIdentity> {
  const certPath = path.join(dataDir, CERT_FILE);
  const keyPath = path.join(dataDir, KEY_FILE);
  try {
    const [cert, key] = await Promise.all([fs.readFile(certPath, 'utf8'), fs.readFile(keyPath, 'utf8')]);
    const x509 = new X509Certificate(cert);
    const stillValid = new Date(x509.validTo).getTime() > Date.now() + 7 * 86_400_000;
    const coversAll = hostAddresses.every((ip) => x509.checkIP(ip) !== undefined || x509.checkHost(ip) !== undefined);
    if (stillValid && coversAll) return { cert, key, fingerprint: x509.fingerprint256 };
  } catch {
    // missing or unreadable: make a new one
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
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(keyPath, generated.private, { mode: 0o600 });
  await fs.writeFile(certPath, generated.cert);
  return { cert: generated.cert, key: generated.private, fingerprint: new X509Certificate(generated.cert).fingerprint256 };
}
