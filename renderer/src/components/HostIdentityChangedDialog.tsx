import { useState } from 'react';
import type { HostIdentityChange } from '../../../shared/ipc';
import { Dialog } from './Dialog';

interface HostIdentityChangedDialogProps {
  change: HostIdentityChange;
  /** Replace the kept certificate with the presented one and join; rejects with a message to show. */
  onTrustNew: () => Promise<void>;
  onCancel: () => void;
}

/** `ab12cd…` → `AB:12:CD:…`, the form the host shows in its log and invite details. */
function formatFingerprint(hex: string): string {
  return hex.toUpperCase().match(/.{2}/g)?.join(':') ?? hex;
}

/**
 * Like SSH's "REMOTE HOST IDENTIFICATION HAS CHANGED": the Join was refused, and only an explicit
 * choice here replaces the kept certificate. Cancel is the default (focused) action.
 */
export function HostIdentityChangedDialog({ change, onTrustNew, onCancel }: HostIdentityChangedDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const confirm = () => {
    setBusy(true);
    setError(undefined);
    onTrustNew().catch((failure: unknown) => {
      setBusy(false);
      setError(failure instanceof Error ? failure.message : String(failure));
    });
  };
  return (
    <Dialog title="The meeting host's identity has changed" onClose={onCancel} testId="host-identity-changed">
      <div className="stack">
        <p role="alert">
          <strong>{change.host}</strong> presents a different certificate than the one you trusted when you last joined. Someone on the network
          may be impersonating it, or the host may have been reinstalled or moved to another computer.
        </p>
        <p>Only continue if the host confirms (in person or by phone) that its fingerprint is the new one below.</p>
        <dl className="fingerprints">
          <dt>Trusted before</dt>
          <dd>
            <code data-testid="pinned-fingerprint" style={{ wordBreak: 'break-all' }}>{formatFingerprint(change.pinnedFingerprint)}</code>
          </dd>
          <dt>Presented now</dt>
          <dd>
            <code data-testid="presented-fingerprint" style={{ wordBreak: 'break-all' }}>{formatFingerprint(change.presentedFingerprint)}</code>
          </dd>
        </dl>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" className="primary" onClick={onCancel} data-autofocus>
            Don’t join
          </button>
          <button type="button" className="danger" onClick={confirm} disabled={busy}>
            {busy ? 'Checking…' : 'Trust the new certificate and join'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
