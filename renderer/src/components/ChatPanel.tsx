import { useEffect, useRef, useState, type FormEvent } from 'react';
import { limits } from '../../../shared/limits';
import type { ChatEntry } from '../hooks/useChat';
import type { DirectChat } from '../hooks/useDirectChat';
import { describeError } from '../messages';
import { formatBytes } from '../conference';
import { FileTransferCard } from './chat/FileTransferCard';
import { RecipientPicker, type ChatParticipant } from './chat/RecipientPicker';
import { chatTimeline } from './chat/timeline';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * Messages, private messages and files (newest at the bottom, announced politely) and a box to
 * send one, to everyone or privately to one participant (`direct`: files and private messages).
 */
export function ChatPanel({
  messages,
  onSend,
  disabled = false,
  direct,
  participants = [],
}: {
  messages: ChatEntry[];
  onSend(text: string): Promise<void>;
  disabled?: boolean;
  direct?: DirectChat;
  participants?: ChatParticipant[];
}) {
  const [draft, setDraft] = useState('');
  const [chosenTo, setTo] = useState('');
  // A participant who left is no longer a recipient.
  const to = participants.some((p) => p.id === chosenTo) ? chosenTo : '';
  const toName = participants.find((p) => p.id === to)?.displayName;
  const nameOf = (id: string | null) => participants.find((p) => p.id === id)?.displayName;
  const timeline = chatTimeline(messages, direct?.privateMessages, direct?.transfers);
  const [error, setError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [timeline.length]);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || sending) return;
    setSending(true);
    try {
      if (to && direct) await direct.sendPrivate(to, text);
      else await onSend(text);
      setDraft('');
      setError(undefined);
    } catch (failure) {
      setError(`Message not sent. ${describeError(failure)}`);
    } finally {
      setSending(false);
    }
  };

  const sendFile = async (file: File) => {
    if (!direct) return;
    if (file.size > direct.maxFileBytes) return setError(`${file.name} is too large: files may be at most ${formatBytes(direct.maxFileBytes)}.`);
    try {
      await direct.sendFile(file, to || undefined);
      setError(undefined);
    } catch (failure) {
      setError(`File not sent. ${describeError(failure)}`);
    }
  };
  const placeholder = toName ? `Message ${toName} privately` : 'Message everyone';

  return (
    <div className="chat">
      <div role="log" aria-label="Chat messages" className="chat-log">
        {timeline.length === 0 && <p className="empty">No messages yet.</p>}
        <ol ref={listRef} data-testid="chat-messages" className="chat-messages">
          {timeline.map((item) => {
            if (item.kind === 'file') {
              return (
                <li key={item.key} className={item.transfer.direction === 'outgoing' ? 'mine' : undefined}>
                  <FileTransferCard transfer={item.transfer} recipientName={nameOf(item.transfer.peerId)} onCancel={() => direct?.cancelFile(item.transfer.id)} />
                </li>
              );
            }
            const message = item.message;
            const privately = item.kind === 'private' ? item.message : undefined;
            return (
              <li key={item.key} className={[message.local ? 'mine' : '', privately ? 'private' : ''].join(' ').trim() || undefined} data-private={privately ? 'true' : undefined}>
                <span className="chat-meta">
                  <bdi className="chat-author">{message.local ? 'You' : message.displayName}</bdi>
                  {privately && (
                    <>
                      {' → '}
                      <bdi className="chat-author">{privately.local ? privately.toDisplayName : 'you'}</bdi>
                      <span className="private-badge"> (private)</span>
                    </>
                  )}{' '}
                  <time dateTime={new Date(message.sentAt).toISOString()}>{time.format(message.sentAt)}</time>
                </span>
                <bdi className="chat-text">{message.text}</bdi>
              </li>
            );
          })}
        </ol>
      </div>
      {direct && <RecipientPicker participants={participants} to={to} onChange={setTo} onFile={(file) => void sendFile(file)} disabled={disabled} />}
      <form className="chat-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor="chat-input" className="visually-hidden">
          {placeholder}
        </label>
        <textarea
          id="chat-input"
          ref={inputRef}
          rows={2}
          value={draft}
          maxLength={limits.maxChatMessageLength}
          placeholder={placeholder}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void submit();
            }
          }}
          disabled={disabled}
        />
        <button type="submit" disabled={disabled || sending || !draft.trim()}>
          Send
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
