import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Controls, type ControlsProps } from './Controls';

afterEach(cleanup);

function props(overrides: Partial<ControlsProps> = {}): ControlsProps {
  return {
    micOn: true,
    cameraOn: true,
    sharing: false,
    canShareScreen: true,
    handRaised: false,
    panel: null,
    unreadChat: 0,
    participantCount: 3,
    connected: true,
    onToggleMic: vi.fn(),
    onToggleCamera: vi.fn(),
    onToggleScreen: vi.fn(),
    onToggleHand: vi.fn(),
    onReact: vi.fn(),
    onTogglePanel: vi.fn(),
    onLeave: vi.fn(),
    ...overrides,
  };
}

const names = () => screen.getAllByRole('button').map((b) => b.getAttribute('aria-label') ?? b.textContent);

describe('Controls', () => {
  it('names every button by what it will do, and the names flip with the state', () => {
    const { rerender } = render(<Controls {...props()} />);
    for (const name of ['Mute', 'Stop video', 'Share screen', 'Raise hand', 'Reactions', 'Chat', 'Participants', 'Leave']) {
      expect(screen.getByRole('button', { name }), name).toBeTruthy();
    }
    rerender(<Controls {...props({ micOn: false, cameraOn: false, sharing: true, handRaised: true })} />);
    for (const name of ['Unmute', 'Start video', 'Stop sharing', 'Lower hand']) expect(screen.getByRole('button', { name }), name).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Mute' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Share screen' })).toBeNull();
  });

  it('calls the right action for each button', () => {
    const p = props();
    render(<Controls {...p} />);
    fireEvent.click(screen.getByRole('button', { name: 'Mute' }));
    fireEvent.click(screen.getByRole('button', { name: 'Stop video' }));
    fireEvent.click(screen.getByRole('button', { name: 'Share screen' }));
    fireEvent.click(screen.getByRole('button', { name: 'Raise hand' }));
    fireEvent.click(screen.getByRole('button', { name: 'Chat' }));
    fireEvent.click(screen.getByRole('button', { name: 'Participants' }));
    fireEvent.click(screen.getByRole('button', { name: 'Leave' }));
    expect(p.onToggleMic).toHaveBeenCalledOnce();
    expect(p.onToggleCamera).toHaveBeenCalledOnce();
    expect(p.onToggleScreen).toHaveBeenCalledOnce();
    expect(p.onToggleHand).toHaveBeenCalledOnce();
    expect(p.onTogglePanel).toHaveBeenNthCalledWith(1, 'chat');
    expect(p.onTogglePanel).toHaveBeenNthCalledWith(2, 'participants');
    expect(p.onLeave).toHaveBeenCalledOnce();
  });

  it('shows the unread chat count as a badge and describes it, keeping the name "Chat"', () => {
    const { rerender } = render(<Controls {...props({ unreadChat: 0 })} />);
    expect(screen.queryByTestId('chat-unread')).toBeNull();
    rerender(<Controls {...props({ unreadChat: 2 })} />);
    expect(screen.getByTestId('chat-unread').textContent).toBe('2');
    const chat = screen.getByRole('button', { name: 'Chat' });
    expect(document.getElementById(chat.getAttribute('aria-describedby')!)?.textContent).toBe('2 unread messages');
    rerender(<Controls {...props({ unreadChat: 2, panel: 'chat' })} />);
    expect(screen.getByRole('button', { name: 'Chat' }).getAttribute('aria-expanded')).toBe('true');
  });

  it('offers the reactions as a menu that sends the chosen one and closes', () => {
    const p = props();
    render(<Controls {...p} />);
    const open = screen.getByRole('button', { name: 'Reactions' });
    fireEvent.click(open);
    expect(open.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'React with heart' }));
    expect(p.onReact).toHaveBeenCalledWith('❤️');
    expect(screen.queryByRole('group', { name: 'Send a reaction' })).toBeNull();
    fireEvent.click(open);
    fireEvent.keyDown(screen.getByRole('button', { name: 'React with clapping' }), { key: 'Escape' });
    expect(screen.queryByRole('group', { name: 'Send a reaction' })).toBeNull();
  });

  it('hides screen sharing where the browser cannot share, and disables meeting actions until joined', () => {
    render(<Controls {...props({ canShareScreen: false, connected: false })} />);
    expect(names()).not.toContain('Share screen');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Raise hand' }).disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Mute' }).disabled).toBe(false);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Leave' }).disabled).toBe(false);
  });
});
