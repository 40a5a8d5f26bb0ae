import { useState } from 'react';
import type { ScreenSource, SystemAudio } from '../platform';
import { Dialog } from './Dialog';

interface ScreenPickerDialogProps {
  sources: ScreenSource[];
  /** Whether system audio can go with the screen here; unknown means offer it. */
  audio?: SystemAudio;
  onChoose(sourceId: string | null, withAudio: boolean): void;
}

/** The desktop app's "what do you want to share?" picker: screens and windows with thumbnails. */
export function ScreenPickerDialog({ sources, audio, onChoose }: ScreenPickerDialogProps) {
  const [selected, setSelected] = useState<string | undefined>(sources[0]?.id);
  const [withAudio, setWithAudio] = useState(false);
  const groups = [
    { kind: 'screen' as const, title: 'Entire screen' },
    { kind: 'window' as const, title: 'Window' },
  ];
  return (
    <Dialog title="Choose what to share" onClose={() => onChoose(null, false)} className="screen-picker" testId="screen-picker">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (selected) onChoose(selected, withAudio);
        }}
        className="stack"
      >
        {sources.length === 0 && <p role="alert">Nothing can be shared right now (no screens or windows were found).</p>}
        {groups.map(({ kind, title }) => {
          const list = sources.filter((s) => s.kind === kind);
          if (!list.length) return null;
          return (
            <fieldset key={kind}>
              <legend>{title}</legend>
              <div className="source-grid">
                {list.map((source) => (
                  <label key={source.id} className={`source${selected === source.id ? ' selected' : ''}`}>
                    <input type="radio" name="screen-source" value={source.id} checked={selected === source.id} onChange={() => setSelected(source.id)} />
                    {source.thumbnailDataUrl ? <img src={source.thumbnailDataUrl} alt="" /> : <span className="thumb-placeholder" aria-hidden="true" />}
                    <span className="source-name">{source.name}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          );
        })}
        {audio && !audio.available ? (
          <p className="hint" data-testid="system-audio-unavailable">
            {audio.unavailableReason ?? 'Sharing system audio is not available here; only the screen is shared.'}
          </p>
        ) : (
          <label className="checkbox">
            <input type="checkbox" checked={withAudio} onChange={(e) => setWithAudio(e.target.checked)} />
            Share system audio
          </label>
        )}
        <div className="actions">
          <button type="button" onClick={() => onChoose(null, false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!selected}>
            Share
          </button>
        </div>
      </form>
    </Dialog>
  );
}
