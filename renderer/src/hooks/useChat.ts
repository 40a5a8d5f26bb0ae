import { useEffect, useState } from 'react';
import type { Conference } from '../conference';

export interface ChatEntry {
  id: string;
  peerId: string;
  displayName: string;
  text: string;
  sentAt: number;
  local: boolean;
}

/** The meeting's chat: history from the join answer, new messages as they come, and an unread count. */
export function useChat(conference: Conference, open: boolean): { messages: ChatEntry[]; unread: number; send(text: string): Promise<void> } {
  const [messages, setMessages] = useState<ChatEntry[]>(() => toEntries(conference));
  const [unread, setUnread] = useState(0);

  useEffect(() => {
    const onMessage = (message: { local: boolean }) => {
      setMessages(toEntries(conference));
      if (!message.local && !open) setUnread((n) => n + 1);
    };
    // History arrives with the join answer, which does not emit a chat event.
    const onState = () => setMessages(toEntries(conference));
    conference.on('chatMessage', onMessage);
    conference.on('connectionStateChanged', onState);
    return () => {
      conference.off('chatMessage', onMessage);
      conference.off('connectionStateChanged', onState);
    };
  }, [conference, open]);

  useEffect(() => {
    if (open) setUnread(0);
  }, [open]);

  return {
    messages,
    unread,
    send: async (text) => {
      await conference.sendChat(text);
    },
  };
}

function toEntries(conference: Conference): ChatEntry[] {
  const me = conference.peerId ?? conference.localParticipant.id;
  return conference.chatHistory.map((m) => ({ ...m, local: m.peerId === me }));
}
