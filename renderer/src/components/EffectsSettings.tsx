import { useId, useState } from 'react';
import type { BackgroundKind, EffectSettings } from '../media/effects';
import { pictureToDataUrl } from '../media/video/backgroundPicture';

interface EffectsSettingsProps {
  effects: EffectSettings;
  onChange(change: Partial<EffectSettings>): void;
}

const BACKGROUNDS: { kind: BackgroundKind; label: string }[] = [
  { kind: 'none', label: 'None' },
  { kind: 'blur', label: 'Blur' },
  { kind: 'image', label: 'Picture' },
];

/** Noise suppression and the camera background: in the pre-join screen and the meeting's settings. */
export function EffectsSettings({ effects, onChange }: EffectsSettingsProps) {
  const name = useId();
  const [error, setError] = useState<string | undefined>();

  const choosePicture = async (file: File | undefined) => {
    if (!file) return;
    try {
      setError(undefined);
      onChange({ background: 'image', backgroundImage: await pictureToDataUrl(file) });
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <div className="effects-settings">
      <label className="checkbox">
        <input type="checkbox" checked={effects.noiseSuppression} onChange={(e) => onChange({ noiseSuppression: e.target.checked })} />
        Noise suppression
      </label>
      <fieldset className="background-choice">
        <legend>Background</legend>
        {BACKGROUNDS.map(({ kind, label }) => (
          <label key={kind} className="radio">
            <input type="radio" name={name} value={kind} checked={effects.background === kind} onChange={() => onChange({ background: kind })} />
            {label}
          </label>
        ))}
        {effects.background === 'image' && (
          <label className="picture-input">
            {effects.backgroundImage ? 'Change picture' : 'Choose a picture'}
            <input type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => void choosePicture(e.target.files?.[0])} />
          </label>
        )}
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
