import { useEffect, useRef, useState, type FormEvent } from 'react';
import { limits } from '../../../shared/limits';
import type { ChatEntry } from '../hooks/useChat';
import { describeError } from '../messages';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Messages (newest at the bottom, announced politely) and a box to send one. */
export function ChatPanel({ messages, onSend, disabled = false }: { messages: ChatEntry[]; onSend(text: string): Promise<void>; disabled?: boolean }) {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length]);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || sending) return;
    setSending(true);
    try {
      await onSend(text);
      setDraft('');
      setError(undefined);
    } catch (failure) {
      setError(`Message not sent. ${describeError(failure)}`);
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="chat">
      <div role="log" aria-label="Chat messages" className="chat-log">
        {messages.length === 0 && <p className="empty">No messages yet.</p>}
        <ol ref={listRef} data-testid="chat-messages" className="chat-messages">
          {messages.map((message) => (
            <li key={message.id} className={message.local ? 'mine' : undefined}>
              <span className="chat-meta">
                <bdi className="chat-author">{message.local ? 'You' : message.displayName}</bdi>{' '}
                <time dateTime={new Date(message.sentAt).toISOString()}>{time.format(message.sentAt)}</time>
              </span>
              <bdi className="chat-text">{message.text}</bdi>
            </li>
          ))}
        </ol>
      </div>
      <form className="chat-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor="chat-input" className="visually-hidden">
          Message everyone
        </label>
        <textarea
          id="chat-input"
          ref={inputRef}
          rows={2}
          value={draft}
          maxLength={limits.maxChatMessageLength}
          placeholder="Message everyone"
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
