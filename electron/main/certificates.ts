import { createHash } from 'node:crypto';
import type { App, Certificate, Session } from 'electron';

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

export type PinVerdict =
  | { verdict: 'trust' }
  /** The host is pinned but showed another certificate: a different machine, or an attacker. */
  | { verdict: 'reject'; expected: string; actual: string | undefined }
  /** Not pinned: Chromium's normal verification decides. */
  | { verdict: 'default' };

/**
 * Certificates the user vouched for by opening a link that carried their fingerprint, keyed by
 * hostname (Chromium's verifier sees no port). A pin only ever widens trust for that one host
 * and that one certificate.
 */
export class CertificatePins {
  readonly #pins = new Map<string, string>();

  pin(hostname: string, fingerprint: string): boolean {
    const normalized = normalizeFingerprint(fingerprint);
    if (!normalized || !hostname) return false;
    const key = normalizeHostname(hostname);
    const changed = this.#pins.get(key) !== normalized;
    this.#pins.set(key, normalized);
    return changed;
  }

  unpin(hostname: string): void {
    this.#pins.delete(normalizeHostname(hostname));
  }

  decide(hostname: string, certificatePem: string): PinVerdict {
    const expected = this.#pins.get(normalizeHostname(hostname));
    if (!expected) return { verdict: 'default' };
    const actual = fingerprintOfPem(certificatePem);
    return actual === expected ? { verdict: 'trust' } : { verdict: 'reject', expected, actual };
  }
}

/** net::Error codes setCertificateVerifyProc takes. */
const ACCEPT = 0;
const REJECT = -2;
const USE_CHROMIUM = -3;

export function describeMismatch(hostname: string, verdict: Extract<PinVerdict, { verdict: 'reject' }>): string {
  return (
    `The meeting host ${hostname} presented a different certificate than its link promised, so Roundtable ` +
    `refused to connect. Someone on the network may be impersonating it, or the host made a new certificate: ` +
    `ask the host for a fresh link. (expected ${verdict.expected.slice(0, 16)}…, got ${verdict.actual?.slice(0, 16) ?? 'none'}…)`
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
