import { useRef } from 'react';

export interface ChatParticipant {
  id: string;
  displayName: string;
}

/** Who a message or file goes to (everyone, or one participant privately), and the "Send a file" button. */
export function RecipientPicker({
  participants,
  to,
  onChange,
  onFile,
  disabled,
}: {
  participants: ChatParticipant[];
  to: string;
  onChange(to: string): void;
  onFile(file: File): void;
  disabled: boolean;
}) {
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <div className="chat-recipient">
      <label htmlFor="chat-to">To</label>
      <select id="chat-to" value={to} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
        <option value="">Everyone</option>
        {participants.map((p) => (
          <option key={p.id} value={p.id}>
            {p.displayName} (private)
          </option>
        ))}
      </select>
      <input
        ref={fileInput}
        type="file"
        hidden
        data-testid="chat-file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onFile(file);
        }}
      />
      <button type="button" onClick={() => fileInput.current?.click()} disabled={disabled}>
        Send a file
      </button>
    </div>
  );
}
