import { useState } from 'react';
import type { HostingInfo } from '../platform';
import { InviteDetails } from './InviteDetails';

interface HostMeetingPanelProps {
  hosting: HostingInfo | null;
  /** New meetings start with a waiting room (saved with the preferences). */
  waitingRoom: boolean;
  onWaitingRoomChange(enabled: boolean): void;
  onHost(): Promise<void>;
  onReturn(info: HostingInfo): void;
  onStop(): Promise<void>;
}

/** Desktop only: start a meeting hosted by this computer, or get back to / end the one running. */
export function HostMeetingPanel({ hosting, waitingRoom, onWaitingRoomChange, onHost, onReturn, onStop }: HostMeetingPanelProps) {
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };
  if (hosting) {
    return (
      <section className="host-panel" aria-labelledby="host-title">
        <h2 id="host-title">You are hosting “{hosting.roomId}”</h2>
        <InviteDetails link={hosting.joinUrl} ports={hosting.ports} />
        <div className="actions">
          <button type="button" className="primary" onClick={() => onReturn(hosting)}>
            Return to meeting
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void run(onStop)}>
            End meeting
          </button>
        </div>
      </section>
    );
  }
  return (
    <section className="host-panel" aria-labelledby="host-title">
      <h2 id="host-title">Host on this computer</h2>
      <p className="muted">People on your network join with a link or QR code. No account, no cloud.</p>
      <label className="checkbox">
        <input type="checkbox" checked={waitingRoom} onChange={(e) => onWaitingRoomChange(e.target.checked)} />
        Start with a waiting room (you let each person in)
      </label>
      <button type="button" className="primary" disabled={busy} onClick={() => void run(onHost)}>
        {busy ? 'Starting…' : 'Host a meeting'}
      </button>
    </section>
  );
}
