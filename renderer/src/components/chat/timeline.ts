import type { FileTransfer, PrivateChatEntry } from '../../conference';
import type { ChatEntry } from '../../hooks/useChat';

export type TimelineItem =
  | { kind: 'chat'; key: string; at: number; message: ChatEntry }
  | { kind: 'private'; key: string; at: number; message: PrivateChatEntry }
  | { kind: 'file'; key: string; at: number; transfer: FileTransfer };

/** Room chat, private messages and files in one list, oldest first. */
export function chatTimeline(messages: ChatEntry[], privateMessages: PrivateChatEntry[] = [], transfers: FileTransfer[] = []): TimelineItem[] {
  const items: TimelineItem[] = [
    ...messages.map((message) => ({ kind: 'chat' as const, key: `c:${message.id}`, at: message.sentAt, message })),
    ...privateMessages.map((message) => ({ kind: 'private' as const, key: `p:${message.id}`, at: message.sentAt, message })),
    ...transfers.map((transfer) => ({ kind: 'file' as const, key: `f:${transfer.id}`, at: transfer.startedAt, transfer })),
  ];
  return items.sort((a, b) => a.at - b.at);
}
