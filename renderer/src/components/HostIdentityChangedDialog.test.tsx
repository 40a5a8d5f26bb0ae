import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostIdentityChangedDialog } from './HostIdentityChangedDialog';

afterEach(cleanup);

const change = { host: '192.168.1.20:4443', pinnedFingerprint: 'ab'.repeat(32), presentedFingerprint: 'cd'.repeat(32) };

describe('HostIdentityChangedDialog', () => {
  it('warns with both fingerprints; not joining is the focused default', () => {
    const onCancel = vi.fn();
    const onTrustNew = vi.fn(async () => undefined);
    render(<HostIdentityChangedDialog change={change} onCancel={onCancel} onTrustNew={onTrustNew} />);
    expect(screen.getByRole('dialog', { name: "The meeting host's identity has changed" })).toBeTruthy();
    expect(screen.getByTestId('pinned-fingerprint').textContent).toBe(`AB${':AB'.repeat(31)}`);
    expect(screen.getByTestId('presented-fingerprint').textContent).toBe(`CD${':CD'.repeat(31)}`);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Don’t join' }));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onTrustNew).not.toHaveBeenCalled();
  });

  it('replaces the pin only on the explicit button, and shows why it failed', async () => {
    const onTrustNew = vi.fn(() => Promise.reject(new Error('The identity of 192.168.1.20:4443 has changed again')));
    render(<HostIdentityChangedDialog change={change} onCancel={() => {}} onTrustNew={onTrustNew} />);
    fireEvent.click(screen.getByRole('button', { name: 'Trust the new certificate and join' }));
    expect(onTrustNew).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.getAllByRole('alert').some((alert) => /changed again/.test(alert.textContent ?? ''))).toBe(true));
  });
});
