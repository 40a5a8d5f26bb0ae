import { EventEmitter } from 'node:events';
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Conference } from '../conference';
import type { DesktopShell, MeetingState, Platform, UpdateStatus } from '../platform/Platform';
import { useDesktopMeeting } from '../platform/useDesktopMeeting';
import { MiniMeetingView } from './MiniMeetingView';
import { UpdateBanner } from './UpdateBanner';

afterEach(cleanup);

function fakeDesktop() {
  const meetingListeners = new Set<(state: MeetingState) => void>();
  const commandListeners = new Set<(command: 'toggleMute' | 'leave' | 'stopSharing') => void>();
  const updateListeners = new Set<(status: UpdateStatus) => void>();
  const desktop: DesktopShell = {
    reportMeeting: vi.fn(),
    onMeetingCommand: (listener) => (commandListeners.add(listener), () => commandListeners.delete(listener)),
    notify: vi.fn(),
    act: vi.fn(async () => undefined),
    onMeetingChanged: (listener) => (meetingListeners.add(listener), () => meetingListeners.delete(listener)),
    updates: {
      status: vi.fn(async (): Promise<UpdateStatus> => ({ state: 'idle', canRestart: false })),
      restart: vi.fn(async () => undefined),
      onChanged: (listener) => (updateListeners.add(listener), () => updateListeners.delete(listener)),
    },
  };
  return {
    desktop,
    emitMeeting: (state: MeetingState) => meetingListeners.forEach((l) => l(state)),
    emitCommand: (command: 'toggleMute' | 'leave' | 'stopSharing') => commandListeners.forEach((l) => l(command)),
    emitUpdate: (status: UpdateStatus) => updateListeners.forEach((l) => l(status)),
  };
}

const sharing: MeetingState = { inMeeting: true, hosting: false, muted: false, sharing: true, roomId: 'standup', activeSpeaker: 'Ada' };

describe('mini window view', () => {
  it('shows the speaker and sends the controls to the main window', async () => {
    const { desktop, emitMeeting } = fakeDesktop();
    render(<MiniMeetingView desktop={desktop} />);
    act(() => emitMeeting({ ...sharing, muted: true }));
    expect(screen.getByTestId('mini-speaker').textContent).toBe('Ada is speaking');
    fireEvent.click(screen.getByRole('button', { name: 'Unmute' }));
    fireEvent.click(screen.getByRole('button', { name: 'Stop sharing' }));
    fireEvent.click(screen.getByRole('button', { name: 'Leave' }));
    fireEvent.click(screen.getByRole('button', { name: 'Show meeting' }));
    await waitFor(() => expect(vi.mocked(desktop.act).mock.calls).toEqual([['toggleMute'], ['stopSharing'], ['leave'], ['show']]));
  });
});

describe('update banner', () => {
  it('offers "Restart to update" only when main says it can', async () => {
    const { desktop, emitUpdate } = fakeDesktop();
    render(<UpdateBanner desktop={desktop} />);
    await waitFor(() => expect(desktop.updates.status).toHaveBeenCalled());
    expect(screen.queryByRole('button', { name: 'Restart to update' })).toBeNull();
    act(() => emitUpdate({ state: 'ready', version: '0.2.0', canRestart: false }));
    expect(screen.queryByRole('button', { name: 'Restart to update' })).toBeNull();
    act(() => emitUpdate({ state: 'ready', version: '0.2.0', canRestart: true }));
    fireEvent.click(screen.getByRole('button', { name: 'Restart to update' }));
    expect(desktop.updates.restart).toHaveBeenCalled();
  });
});

describe('useDesktopMeeting', () => {
  it('reports the meeting, obeys tray commands, notifies for others\' chat and hands, and reports the end', () => {
    const { desktop, emitCommand } = fakeDesktop();
    const waitingRoom = new EventEmitter();
    const conference = Object.assign(new EventEmitter(), { participants: new Map([['p2', { displayName: 'Bob' }]]), waitingRoom }) as unknown as Conference;
    const toggleMute = vi.fn();
    const leave = vi.fn();
    const platform = { desktop } as unknown as Platform;
    const { rerender, unmount } = renderHook((state: MeetingState) => useDesktopMeeting(platform, { state, conference, onCommand: { toggleMute, leave, stopSharing: vi.fn() } }), {
      initialProps: { ...sharing, sharing: false },
    });
    expect(desktop.reportMeeting).toHaveBeenLastCalledWith({ ...sharing, sharing: false });
    rerender({ ...sharing, muted: true });
    expect(desktop.reportMeeting).toHaveBeenLastCalledWith({ ...sharing, muted: true });
    emitCommand('toggleMute');
    emitCommand('leave');
    expect(toggleMute).toHaveBeenCalledTimes(1);
    expect(leave).toHaveBeenCalledTimes(1);
    (conference as unknown as EventEmitter).emit('chatMessage', { local: true, displayName: 'Me', text: 'mine' });
    (conference as unknown as EventEmitter).emit('chatMessage', { local: false, displayName: 'Bob', text: 'hello' });
    (conference as unknown as EventEmitter).emit('handRaised', { participantId: 'p2', raised: true });
    (conference as unknown as EventEmitter).emit('handRaised', { participantId: 'p2', raised: false });
    waitingRoom.emit('knock', { id: 'w1', displayName: 'Cleo', since: 0 });
    expect(vi.mocked(desktop.notify).mock.calls).toEqual([
      [{ kind: 'chat', title: 'Bob', body: 'hello' }],
      [{ kind: 'hand', title: 'Bob raised a hand', body: '' }],
      [{ kind: 'knock', title: 'Cleo is waiting to join', body: 'Let them in from the meeting window.' }],
    ]);
    unmount();
    expect(desktop.reportMeeting).toHaveBeenLastCalledWith({ inMeeting: false, hosting: false, muted: false, sharing: false });
  });
});
