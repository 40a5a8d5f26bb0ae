import { useState, type FormEvent } from 'react';
import { limits } from '../../../shared/limits';
import { Dialog } from './Dialog';
import { DialogActions, FormError, SecretField } from './DialogForm';

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
        <SecretField label="Passcode" value={passcode} onChange={setPasscode} maxLength={limits.maxPasscodeLength} />
        <FormError error={error} />
        <DialogActions cancelLabel="Cancel" onCancel={onCancel} submitDisabled={busy || !passcode}>
          {busy ? 'Joining…' : 'Join'}
        </DialogActions>
      </form>
    </Dialog>
  );
}
