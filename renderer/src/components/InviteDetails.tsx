import { useState } from 'react';
import { QrCode } from './QrCode';

interface InviteDetailsProps {
  link: string;
  /** Shown when this app hosts the meeting: what to open in the firewall. */
  ports?: { http: number; rtc: number[] };
}

/** The invite link with a copy button, its QR code, and (when hosting) the ports to allow. */
export function InviteDetails({ link, ports }: InviteDetailsProps) {
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
  };
  return (
    <div className="invite">
      <label className="invite-link">
        Invite link
        <input value={link} readOnly data-testid="invite-link" onFocus={(e) => e.currentTarget.select()} />
      </label>
      <button type="button" onClick={() => void copy()}>
        Copy link
      </button>
      {copyState === 'copied' && (
        <p role="status" className="notice">
          Link copied.
        </p>
      )}
      {copyState === 'failed' && (
        <p role="alert" className="error">
          Could not copy automatically: select the link above and copy it.
        </p>
      )}
      <QrCode text={link} label="QR code of the invite link" />
      {ports && (
        <p className="ports" data-testid="hosting-ports">
          If others cannot connect, allow these ports in this computer's firewall: TCP {ports.http} (meeting page and signaling) and UDP + TCP{' '}
          {ports.rtc.join(', ')} (audio and video).
        </p>
      )}
    </div>
  );
}
