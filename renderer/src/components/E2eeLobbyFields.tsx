import { MAX_MEETING_KEY_LENGTH } from '../e2ee';

export interface E2eeChoice {
  enabled: boolean;
  key: string;
}

interface E2eeLobbyFieldsProps {
  choice: E2eeChoice;
  onChange(choice: E2eeChoice): void;
}

/**
 * "End-to-end encryption" in the lobby: on with the key a link brought, or typed in; on with an
 * empty key starts a meeting with a new random key (it goes into the invite link).
 */
export function E2eeLobbyFields({ choice, onChange }: E2eeLobbyFieldsProps) {
  return (
    <fieldset className="e2ee-fields">
      <label className="checkbox">
        <input type="checkbox" checked={choice.enabled} onChange={(e) => onChange({ ...choice, enabled: e.target.checked })} />
        End-to-end encryption
      </label>
      {choice.enabled && (
        <label>
          Meeting key (leave empty to start a meeting with a new key)
          <input
            value={choice.key}
            onChange={(e) => onChange({ ...choice, key: e.target.value })}
            type="password"
            autoComplete="off"
            spellCheck={false}
            maxLength={MAX_MEETING_KEY_LENGTH}
          />
        </label>
      )}
    </fieldset>
  );
}
