import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FileTransfer } from '../../conference';
import { FileTransferCard } from './FileTransferCard';

afterEach(cleanup);

const incoming: FileTransfer = {
  id: 't1',
  direction: 'incoming',
  name: 'plan.pdf',
  size: 4 * 1024 * 1024,
  mimeType: 'application/pdf',
  peerId: 'ann',
  displayName: 'Ann',
  private: true,
  state: 'transferring',
  bytes: 1024 * 1024,
  startedAt: 0,
};

describe('FileTransferCard', () => {
  it('shows who sends what to whom, the progress and a Cancel button while it runs', () => {
    const onCancel = vi.fn();
    render(<FileTransferCard transfer={incoming} onCancel={onCancel} />);
    expect(screen.getByText('Ann → you')).toBeTruthy();
    expect(screen.getByText('(private)')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Receiving plan.pdf' }).getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText('1.0 MB of 4.0 MB')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it('offers the download only when the file arrived intact', () => {
    render(<FileTransferCard transfer={{ ...incoming, state: 'done', bytes: incoming.size, url: 'blob:x' }} onCancel={() => undefined} />);
    const link = screen.getByRole('link', { name: 'Download' });
    expect(link.getAttribute('download')).toBe('plan.pdf');
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('says "File corrupted" as an alert, with no download', () => {
    render(<FileTransferCard transfer={{ ...incoming, state: 'corrupted', message: 'the file does not match the sender’s SHA-256' }} onCancel={() => undefined} />);
    expect(screen.getByRole('alert').textContent).toContain('File corrupted');
    expect(screen.queryByRole('link', { name: 'Download' })).toBeNull();
  });

  it('an encrypted file whose details cannot be decrypted: "Cannot decrypt this file", no name, size or download', () => {
    const unreadable: FileTransfer = { ...incoming, name: 'Encrypted file', size: 0, bytes: 0, sealed: true, state: 'corrupted', message: 'cannot decrypt: another meeting key, or altered on the way' };
    render(<FileTransferCard transfer={unreadable} onCancel={() => undefined} />);
    expect(screen.getByRole('alert').textContent).toBe('Cannot decrypt this file (another meeting key, or altered on the way)');
    expect(screen.getByText('Encrypted file')).toBeTruthy();
    expect(screen.queryByText('0 bytes')).toBeNull();
    expect(screen.queryByRole('link', { name: 'Download' })).toBeNull();
  });

  it('names the one recipient of a private file sent by me, or everyone', () => {
    const outgoing: FileTransfer = { ...incoming, direction: 'outgoing', displayName: undefined, peerId: 'ben' };
    const { rerender } = render(<FileTransferCard transfer={outgoing} recipientName="Ben" onCancel={() => undefined} />);
    expect(screen.getByText('You → Ben')).toBeTruthy();
    rerender(<FileTransferCard transfer={{ ...outgoing, private: false, peerId: null, state: 'done', outcomes: { received: 2 } }} onCancel={() => undefined} />);
    expect(screen.getByText('You → everyone')).toBeTruthy();
    expect(screen.getByText('Sent')).toBeTruthy();
  });
});
