import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RemoteParticipant, type Conference } from '../conference';
import { E2eeSession } from '../e2ee';
import { createBrowserPlatform } from '../platform/browser';
import { E2eeKeyPrompt } from './E2eeKeyPrompt';
import { Lobby } from './Lobby';
import type { JoinRequest } from './Meeting';
import { ParticipantTile } from './ParticipantTile';

const noop = () => {};
const globals = globalThis as { RTCRtpScriptTransform?: unknown };

afterEach(() => {
  cleanup();
  delete globals.RTCRtpScriptTransform;
  window.history.replaceState(null, '', '/');
});

function renderLobby() {
  const onJoin = vi.fn<(request: JoinRequest) => void>();
  render(<Lobby platform={createBrowserPlatform(window.localStorage)} preferences={{ displayName: 'Ann' }} onDevicesChange={noop} onJoin={onJoin} />);
  return onJoin;
}

describe('Lobby: end-to-end encryption', () => {
  it('takes the key from the link fragment, removes it from the address bar and joins encrypted', () => {
    globals.RTCRtpScriptTransform = class {};
    window.history.replaceState(null, '', '/?room=standup#key=Kq3v9TzX1bN0pQ7rS2uW4w');
    const onJoin = renderLobby();
    expect(window.location.hash).toBe('');
    expect(screen.getByLabelText<HTMLInputElement>('End-to-end encryption').checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    const request = onJoin.mock.calls[0]![0];
    expect(request.e2ee).toBeInstanceOf(E2eeSession);
    expect(request.e2ee!.key).toBe('Kq3v9TzX1bN0pQ7rS2uW4w');
  });

  it('starting with encryption on and no key makes a new random key', () => {
    globals.RTCRtpScriptTransform = class {};
    const onJoin = renderLobby();
    fireEvent.change(screen.getByLabelText('Room code or meeting link'), { target: { value: 'standup' } });
    fireEvent.click(screen.getByLabelText('End-to-end encryption'));
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(onJoin.mock.calls[0]![0].e2ee!.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('joins unencrypted when the box is off', () => {
    const onJoin = renderLobby();
    fireEvent.change(screen.getByLabelText('Room code or meeting link'), { target: { value: 'standup' } });
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(onJoin.mock.calls[0]![0].e2ee).toBeUndefined();
  });

  it('says so when this browser cannot encrypt frames, and does not join', () => {
    // jsdom has no RTCRtpScriptTransform and no RTCRtpSender: like a browser without encoded transforms.
    const onJoin = renderLobby();
    fireEvent.change(screen.getByLabelText('Room code or meeting link'), { target: { value: 'standup' } });
    fireEvent.click(screen.getByLabelText('End-to-end encryption'));
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(within(screen.getByRole('form', { name: 'Join a meeting' })).getByRole('alert').textContent).toMatch(/cannot encrypt media end to end/);
    expect(onJoin).not.toHaveBeenCalled();
  });
});

describe('ParticipantTile: end-to-end encryption', () => {
  it('says "Cannot decrypt" on the tile of a participant whose media fails to decrypt, nothing otherwise', () => {
    const bob = new RemoteParticipant({ id: 'bob', displayName: 'Bob', isHost: false, handRaised: false, producers: [] });
    const conference = {} as Conference;
    const { rerender } = render(<ParticipantTile conference={conference} participant={bob} speaking={false} cannotDecrypt />);
    expect(screen.getByTestId('participant-tile').dataset.cannotDecrypt).toBe('true');
    expect(screen.getByTestId('cannot-decrypt').textContent).toMatch(/Cannot decrypt/);
    rerender(<ParticipantTile conference={conference} participant={bob} speaking={false} />);
    expect(screen.queryByTestId('cannot-decrypt')).toBeNull();
  });
});

describe('E2eeKeyPrompt: an encrypted meeting joined without its key', () => {
  const renderPrompt = () => {
    const onKey = vi.fn<(session: E2eeSession) => void>();
    const onCancel = vi.fn();
    render(<E2eeKeyPrompt roomId="standup" onKey={onKey} onCancel={onCancel} />);
    return { onKey, onCancel };
  };

  it('asks for the key, and hands over a session for this meeting once the key is derived', async () => {
    globals.RTCRtpScriptTransform = class {};
    const { onKey } = renderPrompt();
    expect(screen.getByRole('dialog', { name: 'This meeting is end-to-end encrypted — enter the meeting key' })).toBeDefined();
    const join = screen.getByRole<HTMLButtonElement>('button', { name: 'Join encrypted' });
    expect(join.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Meeting key'), { target: { value: ' Kq3v9TzX1bN0pQ7rS2uW4w ' } });
    fireEvent.click(join);
    await vi.waitFor(() => expect(onKey).toHaveBeenCalledTimes(1));
    const session = onKey.mock.calls[0]![0];
    expect(session.key).toBe('Kq3v9TzX1bN0pQ7rS2uW4w');
    expect(session.meetingId).toBe('standup');
  });

  it('says why when this browser cannot encrypt, and Leave leaves', () => {
    const { onKey, onCancel } = renderPrompt();
    fireEvent.change(screen.getByLabelText('Meeting key'), { target: { value: 'a passphrase' } });
    fireEvent.click(screen.getByRole('button', { name: 'Join encrypted' }));
    expect(screen.getByRole('alert').textContent).toMatch(/cannot encrypt media end to end/);
    expect(onKey).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Leave' }));
    expect(onCancel).toHaveBeenCalled();
  });
});
