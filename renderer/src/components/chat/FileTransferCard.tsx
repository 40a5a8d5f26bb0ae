import { formatBytes, type FileTransfer } from '../../conference';

const STATUS: Record<FileTransfer['state'], string> = {
  starting: 'Waiting…',
  transferring: '',
  verifying: 'Checking…',
  done: '',
  corrupted: 'File corrupted',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** A file in the chat: who sends it to whom, a progress bar, Cancel while it runs, Download when it arrived intact. */
export function FileTransferCard({ transfer, recipientName, onCancel }: { transfer: FileTransfer; recipientName?: string; onCancel(): void }) {
  const active = transfer.state === 'starting' || transfer.state === 'transferring' || transfer.state === 'verifying';
  const percent = transfer.size === 0 ? 100 : Math.floor((transfer.bytes / transfer.size) * 100);
  const outgoing = transfer.direction === 'outgoing';
  const who = outgoing ? `You → ${transfer.private ? (recipientName ?? 'one participant') : 'everyone'}` : `${transfer.displayName ?? 'Someone'} → ${transfer.private ? 'you' : 'everyone'}`;
  let status = STATUS[transfer.state];
  if (transfer.state === 'transferring') status = `${formatBytes(transfer.bytes)} of ${formatBytes(transfer.size)}`;
  if (transfer.state === 'done') status = outgoing ? 'Sent' : 'Received, SHA-256 checked';
  // End-to-end encrypted and its details never opened: no name or size to show, nothing received.
  const unreadable = transfer.sealed && transfer.state === 'corrupted';
  if (unreadable) status = `Cannot decrypt this file${transfer.message ? ` (${transfer.message.replace(/^cannot decrypt: /, '')})` : ''}`;
  return (
    <div className={`file-card file-${transfer.state}`} data-testid="file-transfer" data-state={transfer.state} data-direction={transfer.direction} data-sealed={transfer.sealed ? 'true' : undefined}>
      <span className="chat-meta">
        <bdi className="chat-author">{who}</bdi>
        {transfer.private && <span className="private-badge"> (private)</span>}
      </span>
      <span className="file-name">
        <bdi>{transfer.name}</bdi> {!transfer.sealed && <span className="file-size">{formatBytes(transfer.size)}</span>}
      </span>
      {active && (
        <progress
          max={100}
          value={percent}
          aria-label={`${outgoing ? 'Sending' : 'Receiving'} ${transfer.name}`}
          aria-valuenow={percent}
          data-testid="file-progress"
        />
      )}
      <span className="file-status" role={transfer.state === 'corrupted' ? 'alert' : undefined}>
        {status}
        {transfer.message && transfer.state !== 'done' && transfer.state !== 'corrupted' && ` (${transfer.message})`}
        {transfer.state === 'corrupted' && !unreadable && transfer.message && `: ${transfer.message}`}
      </span>
      {active && (
        <button type="button" className="file-cancel" onClick={onCancel}>
          Cancel
        </button>
      )}
      {transfer.state === 'done' && transfer.url && (
        <a className="file-download" href={transfer.url} download={transfer.name}>
          Download
        </a>
      )}
    </div>
  );
}
