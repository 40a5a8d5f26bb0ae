import { useEffect, useState } from 'react';
import { processCamera, type EffectSettings } from '../media/effects';

export interface EffectPreview {
  stream?: MediaStream;
  problem?: string;
}

/** The pre-join camera preview with the chosen background applied, as the meeting will see it. */
export function useEffectPreview(stream: MediaStream | undefined, effects: EffectSettings): EffectPreview {
  const camera = stream?.getVideoTracks()[0];
  const [preview, setPreview] = useState<EffectPreview>({ stream });
  const { background, backgroundImage } = effects;

  useEffect(() => {
    setPreview({ stream });
    if (!camera || background === 'none' || (background === 'image' && !backgroundImage)) return;
    let cancelled = false;
    let made: MediaStreamTrack | undefined;
    const settings = { noiseSuppression: false, background, backgroundImage };
    void processCamera(camera.clone(), settings, (reason) => {
      if (!cancelled) setPreview({ stream, problem: `The background effect is off: ${reason}. The meeting will use the plain camera.` });
    }).then((processed) => {
      made = processed.track;
      if (cancelled) return made.stop();
      setPreview(processed.problem ? { stream, problem: processed.problem } : { stream: new MediaStream([processed.track]) });
    });
    return () => {
      cancelled = true;
      made?.stop();
    };
  }, [stream, camera, background, backgroundImage]);

  return preview;
}
