import { useEffect, useState } from 'react';
import type { Conference, FileTransfer, PrivateChatEntry } from '../conference';

export interface DirectChat {
  transfers: FileTransfer[];
  privateMessages: PrivateChatEntry[];
  /** Private messages and incoming files not seen while the chat was closed. */
  unread: number;
  maxFileBytes: number;
  sendFile(file: File, to?: string): Promise<void>;
  sendPrivate(to: string, text: string): Promise<void>;
  cancelFile(transferId: string): void;
}

/** Files and private messages of the meeting's chat (conference.files, conference.privateMessages). */
export function useDirectChat(conference: Conference, open: boolean): DirectChat {
  const [transfers, setTransfers] = useState<FileTransfer[]>(() => conference.files.list);
  const [privateMessages, setPrivateMessages] = useState<PrivateChatEntry[]>(() => [...conference.privateMessages.list]);
  const [unread, setUnread] = useState(0);

  useEffect(() => {
    const known = new Set(conference.files.list.map((t) => t.id));
    const onTransfer = (transfer: FileTransfer) => {
      setTransfers(conference.files.list);
      if (!known.has(transfer.id)) {
        known.add(transfer.id);
        if (transfer.direction === 'incoming' && !open) setUnread((n) => n + 1);
      }
    };
    const onMessage = (message: PrivateChatEntry) => {
      setPrivateMessages([...conference.privateMessages.list]);
      if (!message.local && !open) setUnread((n) => n + 1);
    };
    conference.files.on('transfer', onTransfer);
    conference.privateMessages.on('message', onMessage);
    return () => {
      conference.files.off('transfer', onTransfer);
      conference.privateMessages.off('message', onMessage);
    };
  }, [conference, open]);

  useEffect(() => {
    if (open) setUnread(0);
  }, [open]);

  return {
    transfers,
    privateMessages,
    unread,
    maxFileBytes: conference.files.maxFileBytes,
    sendFile: async (file, to) => {
      await conference.files.send(file, { to });
    },
    sendPrivate: async (to, text) => {
      await conference.privateMessages.send(to, text);
    },
    cancelFile: (transferId) => conference.files.cancel(transferId),
  };
}
