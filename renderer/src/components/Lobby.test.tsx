import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBrowserPlatform } from '../platform/browser';
import { createTestPlatform } from '../platform/testPlatform';
import { Lobby } from './Lobby';

afterEach(cleanup);

const noop = () => {};

describe('Lobby', () => {
  it('in the browser: no hosting, no LAN list; joining by code uses the page host', () => {
    const onJoin = vi.fn();
    render(<Lobby platform={createBrowserPlatform(window.localStorage)} preferences={{ displayName: 'Ann' }} onDevicesChange={noop} onJoin={onJoin} />);
    expect(screen.queryByRole('button', { name: 'Host a meeting' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Meetings on your network' })).toBeNull();
    expect(screen.getByLabelText<HTMLInputElement>('Your name').value).toBe('Ann');
    fireEvent.change(screen.getByLabelText('Room code or meeting link'), { target: { value: 'standup' } });
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(onJoin).toHaveBeenCalledWith(expect.objectContaining({ hostUrl: window.location.origin, roomId: 'standup', displayName: 'Ann' }));
  });

  it('explains what is wrong instead of failing silently', () => {
    const onJoin = vi.fn();
    render(<Lobby platform={createBrowserPlatform(window.localStorage)} preferences={{ displayName: '' }} onDevicesChange={noop} onJoin={onJoin} />);
    fireEvent.change(screen.getByLabelText('Room code or meeting link'), { target: { value: 'standup' } });
    const form = screen.getByRole('form', { name: 'Join a meeting' });
    fireEvent.submit(form);
    expect(within(form).getByRole('alert').textContent).toBe('Enter your name first.');
    fireEvent.change(screen.getByLabelText('Your name'), { target: { value: 'Ann' } });
    fireEvent.change(screen.getByLabelText('Room code or meeting link'), { target: { value: 'not a room!' } });
    fireEvent.submit(form);
    expect(within(form).getByRole('alert').textContent).toMatch(/room code/);
    expect(onJoin).not.toHaveBeenCalled();
  });

  it('shows a notice from the last meeting with the right role', () => {
    render(<Lobby platform={createBrowserPlatform(window.localStorage)} preferences={{ displayName: '' }} notice={{ kind: 'alert', text: 'This meeting is full.' }} onDevicesChange={noop} onJoin={noop} />);
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toContain('This meeting is full.');
  });

  it('on the desktop: "Host a meeting" starts hosting and joins with the owner key', async () => {
    const platform = createTestPlatform({ hostUrl: 'https://10.0.0.5:4443', fingerprint: 'AB:CD', ports: { http: 4443, rtc: [40000] } });
    const onJoin = vi.fn();
    render(<Lobby platform={platform} preferences={{ displayName: 'Hana' }} onDevicesChange={noop} onJoin={onJoin} />);
    fireEvent.change(screen.getByLabelText('Room code or meeting link'), { target: { value: 'board' } });
    fireEvent.click(screen.getByRole('button', { name: 'Host a meeting' }));
    await waitFor(() => expect(onJoin).toHaveBeenCalled());
    expect(platform.calls.filter((c) => c.method === 'hosting.start')).toEqual([{ method: 'hosting.start', args: ['board'] }]);
    expect(onJoin).toHaveBeenCalledWith(
      expect.objectContaining({ hostUrl: 'https://10.0.0.5:4443', roomId: 'board', displayName: 'Hana', ownerKey: 'test-owner-key', fingerprint: 'AB:CD' }),
    );
  });

  it('on the desktop: "Start with a waiting room" shows the saved choice and saves a change before hosting', async () => {
    const platform = createTestPlatform({});
    render(<Lobby platform={platform} preferences={{ displayName: 'Hana', waitingRoom: true }} onDevicesChange={noop} onJoin={noop} />);
    const checkbox = screen.getByRole<HTMLInputElement>('checkbox', { name: /Start with a waiting room/ });
    expect(checkbox.checked).toBe(true);
    fireEvent.click(checkbox);
    expect(checkbox.checked).toBe(false);
    await waitFor(() => expect(platform.calls).toContainEqual({ method: 'savePreferences', args: [{ waitingRoom: false }] }));
  });

  it('on the desktop: lists LAN meetings as they are found and joins one by its link', async () => {
    const platform = createTestPlatform({ discovery: [] });
    const onJoin = vi.fn();
    render(<Lobby platform={platform} preferences={{ displayName: 'Lars' }} onDevicesChange={noop} onJoin={onJoin} />);
    expect(screen.getByRole('region', { name: 'Meetings on your network' }).textContent).toContain('No meetings found');
    act(() => platform.emitDiscovered([{ roomId: 'review', name: 'Design review', hostName: 'alice-laptop', url: 'https://10.0.0.7:4443/?room=review&fp=AA:BB' }]));
    fireEvent.click(screen.getByRole('button', { name: 'Design review hosted by alice-laptop' }));
    expect(onJoin).toHaveBeenCalledWith(expect.objectContaining({ hostUrl: 'https://10.0.0.7:4443', roomId: 'review', displayName: 'Lars', fingerprint: 'AA:BB' }));
  });
});
