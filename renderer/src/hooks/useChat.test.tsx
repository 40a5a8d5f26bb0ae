import { act, cleanup, render, screen } from '@testing-library/react';
import { EventEmitter } from 'eventemitter3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Conference } from '../conference';
import { Controls } from '../components/Controls';
import { ChatPanel } from '../components/ChatPanel';
import { useChat } from './useChat';

afterEach(cleanup);

class FakeConference extends EventEmitter {
  peerId = 'me';
  localParticipant = { id: 'me', displayName: 'Me', isHost: false, handRaised: false };
  chatHistory: { id: string; peerId: string; displayName: string; text: string; sentAt: number }[] = [];
  receive(text: string, from = 'bob') {
    const message = { id: String(this.chatHistory.length + 1), peerId: from, displayName: from === 'me' ? 'Me' : 'Bob', text, sentAt: Date.now() };
    this.chatHistory.push(message);
    this.emit('chatMessage', { ...message, local: from === 'me' });
  }
  async sendChat(text: string) {
    this.receive(text, 'me');
  }
}

function Harness({ conference, open }: { conference: FakeConference; open: boolean }) {
  const chat = useChat(conference as unknown as Conference, open);
  return (
    <>
      <Controls
        micOn
        cameraOn
        sharing={false}
        canShareScreen
        handRaised={false}
        panel={open ? 'chat' : null}
        unreadChat={chat.unread}
        participantCount={2}
        connected
        onToggleMic={() => {}}
        onToggleCamera={() => {}}
        onToggleScreen={() => {}}
        onToggleHand={() => {}}
        onReact={() => {}}
        onTogglePanel={() => {}}
        onLeave={() => {}}
      />
      {open && <ChatPanel messages={chat.messages} onSend={chat.send} />}
    </>
  );
}

describe('chat unread badge', () => {
  it('counts messages from others while the panel is closed, and clears when it opens', () => {
    const conference = new FakeConference();
    const { rerender } = render(<Harness conference={conference} open={false} />);
    expect(screen.queryByTestId('chat-unread')).toBeNull();
    act(() => conference.receive('hello'));
    act(() => conference.receive('anyone?'));
    expect(screen.getByTestId('chat-unread').textContent).toBe('2');
    // Our own messages are never unread.
    act(() => conference.receive('mine', 'me'));
    expect(screen.getByTestId('chat-unread').textContent).toBe('2');

    rerender(<Harness conference={conference} open />);
    expect(screen.queryByTestId('chat-unread')).toBeNull();
    const items = screen.getByTestId('chat-messages').querySelectorAll('li');
    expect([...items].map((li) => li.textContent)).toEqual([expect.stringContaining('hello'), expect.stringContaining('anyone?'), expect.stringContaining('mine')]);
    expect(items[2]!.textContent).toContain('You');

    // While open, new messages are read as they arrive.
    act(() => conference.receive('still here'));
    expect(screen.queryByTestId('chat-unread')).toBeNull();
    rerender(<Harness conference={conference} open={false} />);
    act(() => conference.receive('after closing'));
    expect(screen.getByTestId('chat-unread').textContent).toBe('1');
  });
});
