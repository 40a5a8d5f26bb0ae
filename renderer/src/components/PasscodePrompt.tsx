import { useState, type FormEvent } from 'react';
import { limits } from '../../../shared/limits';
import { Dialog } from './Dialog';

interface PasscodePromptProps {
  roomId: string;
  error?: string;
  busy: boolean;
  onSubmit(passcode: string): void;
  onCancel(): void;
}

/** Asked when the meeting needs a passcode (or the one given was wrong). */
export function PasscodePrompt({ roomId, error, busy, onSubmit, onCancel }: PasscodePromptProps) {
  const [passcode, setPasscode] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (passcode) onSubmit(passcode);
  };
  return (
    <Dialog title="This meeting needs a passcode" onClose={onCancel} testId="passcode-prompt">
      <form onSubmit={submit} className="stack">
        <p>Ask the host of “{roomId}” for the passcode.</p>
        <label>
          Passcode
          <input type="password" autoComplete="off" value={passcode} maxLength={limits.maxPasscodeLength} onChange={(e) => setPasscode(e.target.value)} data-autofocus />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !passcode}>
            {busy ? 'Joining…' : 'Join'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
