import { useState, type FormEvent } from 'react';
import { E2eeSession, MAX_MEETING_KEY_LENGTH } from '../e2ee';
import { useE2eeSession } from '../e2ee/useE2eeSession';
import { texts } from '../messages';
import { Dialog } from './Dialog';
import { DialogActions, FormError, SecretField } from './DialogForm';

interface E2eeKeyPromptProps {
  roomId: string;
  /** The key is derived: join with it. */
  onKey(session: E2eeSession): void;
  onCancel(): void;
}

/**
 * Asked when the meeting is end-to-end encrypted and this window came without its key (a link
 * without `#key=`): nothing has been sent yet. A typed passphrase is stretched first (PBKDF2),
 * which can take a moment: "Deriving key…".
 */
export function E2eeKeyPrompt({ roomId, onKey, onCancel }: E2eeKeyPromptProps) {
  const [key, setKey] = useState('');
  const [pending, setPending] = useState<E2eeSession | undefined>();
  const [error, setError] = useState<string | undefined>();
  useE2eeSession(pending);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let session: E2eeSession;
    try {
      session = new E2eeSession(key, roomId);
    } catch (failure) {
      return setError((failure as Error).message);
    }
    setError(undefined);
    setPending(session);
    session.ready.then(
      () => onKey(session),
      (failure: unknown) => {
        setPending(undefined);
        setError((failure as Error).message);
      },
    );
  };
  return (
    <Dialog title={texts.meetingKeyRequired} onClose={onCancel} testId="e2ee-key-prompt">
      <form onSubmit={submit} className="stack">
        <p>Audio, video and chat in “{roomId}” are encrypted on each participant’s device. Enter the meeting key from the invite link, or the passphrase the host gave you. Nothing is sent until you do.</p>
        <SecretField label="Meeting key" value={key} onChange={setKey} maxLength={MAX_MEETING_KEY_LENGTH} />
        {pending?.deriving && (
          <p role="status" data-testid="e2ee-deriving">
            {texts.derivingKey}
          </p>
        )}
        <FormError error={error} />
        <DialogActions cancelLabel="Leave" onCancel={onCancel} submitDisabled={!key.trim() || pending !== undefined}>
          Join encrypted
        </DialogActions>
      </form>
    </Dialog>
  );
}
