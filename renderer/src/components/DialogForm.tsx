import type { ReactNode } from 'react';

/** A password-style field for a secret (passcode, meeting key): never autocompleted or spell-checked. */
export function SecretField({ label, value, onChange, maxLength }: { label: string; value: string; onChange(value: string): void; maxLength: number }) {
  return (
    <label>
      {label}
      <input type="password" autoComplete="off" spellCheck={false} value={value} maxLength={maxLength} onChange={(e) => onChange(e.target.value)} data-autofocus />
    </label>
  );
}

/** The dialog's error, announced to screen readers as it appears. */
export function FormError({ error }: { error?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error}
    </p>
  );
}

/** A dialog form's buttons: a way out, and the submit button. */
export function DialogActions({ cancelLabel, onCancel, submitDisabled, children }: { cancelLabel: string; onCancel(): void; submitDisabled: boolean; children: ReactNode }) {
  return (
    <div className="actions">
      <button type="button" onClick={onCancel}>
        {cancelLabel}
      </button>
      <button type="submit" className="primary" disabled={submitDisabled}>
        {children}
      </button>
    </div>
  );
}
