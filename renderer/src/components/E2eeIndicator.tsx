import { useState, type FormEvent } from 'react';
import { MAX_MEETING_KEY_LENGTH, type E2eeSession } from '../e2ee';
import { texts } from '../messages';
import { Dialog } from './Dialog';
import { DialogActions, FormError, SecretField } from './DialogForm';

/**
 * The meeting header's lock: this meeting's media is end-to-end encrypted, and the verification
 * code everyone with the same key sees. "Change key" switches to another key (a participant who
 * typed the wrong one).
 */
export function E2eeIndicator({ session }: { session: E2eeSession }) {
  const [editing, setEditing] = useState(false);
  const code = session.verificationCode;
  return (
    <>
      <button
        type="button"
        className="e2ee-indicator"
        data-testid="e2ee-indicator"
        title="Audio and video are end-to-end encrypted: the meeting host cannot see or hear them. Compare the code aloud: everyone with the same key sees the same code."
        onClick={() => setEditing(true)}
      >
        <span aria-hidden="true">🔒</span> Encrypted
        {session.deriving ? (
          <span className="e2ee-code" data-testid="e2ee-deriving">
            {texts.derivingKey}
          </span>
        ) : (
          <span className="e2ee-code" data-testid="e2ee-code" aria-label={`Verification code ${code ?? 'being computed'}`}>
            {code ?? '…'}
          </span>
        )}
      </button>
      {session.failed && (
        <p role="alert" className="error">
          Encryption could not start in this window: your audio and video are not sent.
        </p>
      )}
      {editing && <ChangeKeyDialog session={session} onClose={() => setEditing(false)} />}
    </>
  );
}

function ChangeKeyDialog({ session, onClose }: { session: E2eeSession; onClose(): void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    session.setKey(key).then(onClose, (failure: unknown) => setError((failure as Error).message));
  };
  return (
    <Dialog title="End-to-end encryption" onClose={onClose} testId="e2ee-key-dialog">
      <form onSubmit={submit} className="stack">
        <p>
          Verification code: <strong>{session.verificationCode ?? '…'}</strong>. If others see a different code, or their video says “Cannot decrypt”, enter the
          meeting key from the invite link.
        </p>
        <SecretField label="Meeting key" value={key} onChange={setKey} maxLength={MAX_MEETING_KEY_LENGTH} />
        <FormError error={error} />
        <DialogActions cancelLabel="Cancel" onCancel={onClose} submitDisabled={!key.trim()}>
          Use this key
        </DialogActions>
      </form>
    </Dialog>
  );
}
