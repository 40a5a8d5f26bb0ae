import type { HostIdentityChange } from '../../shared/ipc';
import { pinKeyOf, type CertificatePins } from './certificates';
import { IpcFailure } from './ipc';
import { isPinnableHost } from './pinScope';
import { ProbeError } from './tlsProbe';

export type JoinTrustDecision =
  /** The host presents the certificate kept for it. */
  | { kind: 'trusted' }
  /** First explicit Join with a link that names this certificate: keep it. */
  | { kind: 'pin'; fingerprint: string }
  /** Nothing kept, nothing in the link: Chromium's verification decides. */
  | { kind: 'unpinned' }
  /** The host presents another certificate than the link names: not the host the link means. */
  | { kind: 'link_mismatch'; linkFingerprint: string; presented: string }
  /** The host presents another certificate than the one kept for it (like SSH's changed host key). */
  | { kind: 'changed'; kept: string; presented: string };

/**
 * What an explicit Join does with a host's certificate. A kept pin always wins over what a link
 * says: a link (or a LAN announcement) comes from anyone who can send one, and never replaces a
 * pin by itself; only the user, shown the warning, can.
 */
export function decideJoinTrust(input: { kept?: string; linkFingerprint?: string; presented: string }): JoinTrustDecision {
  const { kept, linkFingerprint, presented } = input;
  if (kept !== undefined) return presented === kept ? { kind: 'trusted' } : { kind: 'changed', kept, presented };
  if (linkFingerprint === undefined) return { kind: 'unpinned' };
  return presented === linkFingerprint ? { kind: 'pin', fingerprint: presented } : { kind: 'link_mismatch', linkFingerprint, presented };
}

export interface JoinTrustOptions {
  pins: CertificatePins;
  /** The fingerprint `host:port` presents now (tlsProbe.ts). */
  probe(hostname: string, port: number): Promise<string>;
  /** A pin was kept or replaced: re-arm the verifier (its cache may hold an old failure). */
  onPinsChanged(): void;
  /** The user chose this host: its page may navigate in the window and use the camera. */
  trustOrigin(url: string): void;
}

/** The join-time certificate check behind the `certificates:*` IPC channels. */
export class JoinTrust {
  readonly #options: JoinTrustOptions;

  constructor(options: JoinTrustOptions) {
    this.#options = options;
  }

  /** Before joining `url`: keeps a first pin, or refuses with a typed error. */
  async verify(url: string, linkFingerprint?: string): Promise<void> {
    const target = this.#pinnable(url);
    if (!target) return this.#options.trustOrigin(url);
    const kept = this.#options.pins.kept(target.key)?.fingerprint;
    if (kept === undefined && linkFingerprint === undefined) return this.#options.trustOrigin(url);
    const presented = await this.#probe(target);
    const decision = decideJoinTrust({ kept, linkFingerprint, presented });
    switch (decision.kind) {
      case 'pin':
        this.#options.pins.keep(target.key, decision.fingerprint);
        this.#options.onPinsChanged();
        return this.#options.trustOrigin(url);
      case 'trusted':
      case 'unpinned':
        return this.#options.trustOrigin(url);
      case 'link_mismatch':
        throw new IpcFailure(
          'host_identity_mismatch',
          `${target.key} is not the host this link names: it presented a different certificate. ` +
            'Someone on the network may be impersonating it, or the link is out of date: ask the host for a fresh link.',
        );
      case 'changed':
        throw changedFailure({ host: target.key, pinnedFingerprint: decision.kept, presentedFingerprint: decision.presented });
    }
  }

  /**
   * The user confirmed the warning for `fingerprint`. Replaced only if the host still presents
   * exactly that certificate (it may have changed again since the warning was shown).
   */
  async replace(url: string, fingerprint: string): Promise<void> {
    const target = this.#pinnable(url);
    if (!target) throw new IpcFailure('bad_request', 'only https hosts on a private network or .local name are pinned');
    const presented = await this.#probe(target);
    if (presented !== fingerprint) {
      const pinned = this.#options.pins.kept(target.key)?.fingerprint ?? fingerprint;
      throw changedFailure({ host: target.key, pinnedFingerprint: pinned, presentedFingerprint: presented });
    }
    this.#options.pins.keep(target.key, fingerprint);
    this.#options.onPinsChanged();
    this.#options.trustOrigin(url);
  }

  #pinnable(url: string): { key: string; hostname: string; port: number } | undefined {
    const key = pinKeyOf(url);
    if (!key) return undefined;
    const parsed = new URL(url);
    if (!isPinnableHost(parsed.hostname)) return undefined;
    return { key, hostname: parsed.hostname, port: Number(parsed.port || 443) };
  }

  async #probe(target: { key: string; hostname: string; port: number }): Promise<string> {
    try {
      return await this.#options.probe(target.hostname, target.port);
    } catch (error) {
      throw new IpcFailure('unavailable', error instanceof ProbeError ? error.message : `cannot check ${target.key}`);
    }
  }
}

function changedFailure(identity: HostIdentityChange): IpcFailure {
  return new IpcFailure(
    'host_identity_changed',
    `The identity of ${identity.host} has changed since you last joined: it presents a different certificate. ` +
      'It may have been reinstalled, or someone on the network may be impersonating it.',
    identity,
  );
}
