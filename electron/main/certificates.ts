import { createHash } from 'node:crypto';
import type { App, Certificate, Session } from 'electron';
import { isPinnableHost } from './pinScope';

/** SHA-256 of a PEM certificate's DER bytes, 64 lower-case hex, or undefined if it is not PEM. */
export function fingerprintOfPem(pem: string): string | undefined {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) return undefined;
  const der = Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
  return der.length > 0 ? createHash('sha256').update(der).digest('hex') : undefined;
}

/** Accepts `ab12…` or the colon-separated upper-case form; answers 64 lower-case hex or undefined. */
export function normalizeFingerprint(value: string): string | undefined {
  const hex = value.replaceAll(':', '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

function normalizeHostname(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * The key a pin is kept under: `host:port` of an https URL (default port 443), IPv6 in brackets.
 * Two hosts behind one address (NAT port forwards, two hosts on one machine) keep separate pins.
 */
export function pinKeyOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || !parsed.hostname) return undefined;
  return `${parsed.hostname.toLowerCase()}:${parsed.port || '443'}`;
}

function hostnameOfPinKey(key: string): string {
  return normalizeHostname(key.slice(0, key.lastIndexOf(':')));
}

export interface PinRecord {
  /** 64 lower-case hex. */
  fingerprint: string;
  pinnedAt: number;
}

/** Where kept pins live across restarts (the settings file); tests pass a Map-backed one. */
export interface PinStorage {
  load(): Record<string, PinRecord>;
  save(pins: Record<string, PinRecord>): void;
}

export type PinVerdict =
  | { verdict: 'trust' }
  /** The host is pinned but showed another certificate: a different machine, or an attacker. */
  | { verdict: 'reject'; expected: string; actual: string | undefined }
  /** Not pinned (or not pinnable): Chromium's normal verification decides. */
  | { verdict: 'default' };

export const maxKeptPins = 256;

/**
 * Certificates the user vouched for by joining a meeting whose link carried their fingerprint,
 * kept per `host:port` across restarts. Nothing here replaces a kept pin on its own: `keep` is
 * called only by the join check (joinTrust.ts), on an explicit Join or after the user confirmed
 * the "host's identity changed" warning. The certificate of the host this app itself runs is
 * trusted in memory only (`trustOwnHost`): it is our own key.
 *
 * Chromium's verifier is told the hostname but not the port, so a connection is trusted when the
 * certificate matches a pin of any port of that host: only the holder of a pinned key can present
 * it, so this widens nothing to a stranger. A certificate that matches none of the host's pins is
 * rejected. Pins of public hostnames are never used (see pinScope.ts).
 */
export class CertificatePins {
  readonly #storage: PinStorage | undefined;
  readonly #kept: Map<string, PinRecord>;
  readonly #own = new Map<string, string>();

  constructor(storage?: PinStorage) {
    this.#storage = storage;
    this.#kept = new Map(
      Object.entries(storage?.load() ?? {}).filter(
        ([key, record]) => normalizeFingerprint(record.fingerprint) === record.fingerprint && isPinnableHost(hostnameOfPinKey(key)),
      ),
    );
  }

  /** The kept pin for `host:port`, if any. */
  kept(key: string): PinRecord | undefined {
    return this.#kept.get(key);
  }

  /** Keeps (or, after the user confirmed, replaces) the pin for `host:port`. */
  keep(key: string, fingerprint: string, now = Date.now()): void {
    const normalized = normalizeFingerprint(fingerprint);
    if (!normalized || !isPinnableHost(hostnameOfPinKey(key))) return;
    this.#kept.delete(key);
    this.#kept.set(key, { fingerprint: normalized, pinnedAt: now });
    while (this.#kept.size > maxKeptPins) {
      const oldest = [...this.#kept.entries()].reduce((a, b) => (b[1].pinnedAt < a[1].pinnedAt ? b : a));
      this.#kept.delete(oldest[0]);
    }
    this.#storage?.save(Object.fromEntries(this.#kept));
  }

  trustOwnHost(url: string, fingerprint: string): void {
    const key = pinKeyOf(url);
    const normalized = normalizeFingerprint(fingerprint);
    if (key && normalized) this.#own.set(key, normalized);
  }

  forgetOwnHost(url: string): void {
    const key = pinKeyOf(url);
    if (key) this.#own.delete(key);
  }

  decide(hostname: string, certificatePem: string): PinVerdict {
    const host = normalizeHostname(hostname);
    if (!isPinnableHost(host)) return { verdict: 'default' };
    const expected = [
      ...[...this.#kept].filter(([key]) => hostnameOfPinKey(key) === host).map(([, record]) => record.fingerprint),
      ...[...this.#own].filter(([key]) => hostnameOfPinKey(key) === host).map(([, fingerprint]) => fingerprint),
    ];
    if (expected.length === 0) return { verdict: 'default' };
    const actual = fingerprintOfPem(certificatePem);
    return actual !== undefined && expected.includes(actual) ? { verdict: 'trust' } : { verdict: 'reject', expected: expected[0]!, actual };
  }
}

/** net::Error codes setCertificateVerifyProc takes. */
const ACCEPT = 0;
const REJECT = -2;
const USE_CHROMIUM = -3;

export function describeMismatch(hostname: string, verdict: Extract<PinVerdict, { verdict: 'reject' }>): string {
  return (
    `The meeting host ${hostname} presented a different certificate than the one Roundtable trusted for it, so ` +
    `Roundtable refused to connect. Someone on the network may be impersonating it, or the host made a new ` +
    `certificate: join again to check its identity. (expected ${verdict.expected.slice(0, 16)}…, got ${verdict.actual?.slice(0, 16) ?? 'none'}…)`
  );
}

export interface PinningOptions {
  pins: CertificatePins;
  onMismatch(hostname: string, message: string): void;
}

/**
 * Wires the pins into the session's certificate verifier and into app 'certificate-error' (the
 * latter is what fires for a page load when the verifier still failed). Returns `refresh`, to be
 * called after pinning: the network service caches verify results, and setting the proc again
 * starts a fresh cache, so a host that failed before its pin arrived is verified anew.
 */
export function installCertificatePinning(
  session: Pick<Session, 'setCertificateVerifyProc'>,
  app: Pick<App, 'on'>,
  options: PinningOptions,
): { refresh(): void } {
  const check = (hostname: string, certificate: Certificate): boolean | undefined => {
    const decision = options.pins.decide(hostname, certificate.data);
    if (decision.verdict === 'reject') options.onMismatch(hostname, describeMismatch(hostname, decision));
    return decision.verdict === 'default' ? undefined : decision.verdict === 'trust';
  };
  const proc: Parameters<Session['setCertificateVerifyProc']>[0] = (request, callback) => {
    const trusted = check(request.hostname, request.certificate);
    callback(trusted === undefined ? USE_CHROMIUM : trusted ? ACCEPT : REJECT);
  };
  session.setCertificateVerifyProc(proc);
  app.on('certificate-error', (event, _webContents, url, _error, certificate, callback) => {
    let hostname: string;
    try {
      hostname = new URL(url).hostname;
    } catch {
      return callback(false);
    }
    if (check(hostname, certificate) === true) {
      event.preventDefault();
      callback(true);
    } else {
      callback(false);
    }
  });
  return { refresh: () => session.setCertificateVerifyProc(proc) };
}
