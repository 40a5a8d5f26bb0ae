import { suppressNoise } from './audio/noiseSuppression';
import { sourceOf } from './processedTrack';
import { applyBackground, type BackgroundKind } from './video/backgroundEffect';

export type { BackgroundKind };

export interface EffectSettings {
  /** RNNoise on the microphone (on unless the user turned it off). */
  noiseSuppression: boolean;
  background: BackgroundKind;
  /** The picture for `background: 'image'` (a data: URL). */
  backgroundImage?: string;
}

export const defaultEffects: EffectSettings = { noiseSuppression: true, background: 'none' };

/** What getUserMedia should open for the mic: the browser's own suppression is off either way (RNNoise replaces it, or the user wants none). */
export function microphoneConstraints(deviceId?: string): MediaTrackConstraints {
  return { ...(deviceId ? { deviceId: { ideal: deviceId } } : {}), noiseSuppression: false, echoCancellation: true, autoGainControl: true };
}

export interface Processed {
  track: MediaStreamTrack;
  /** Why the effect is not applied, when it could not be. */
  problem?: string;
}

/** The microphone with the chosen processing. Falls back to the plain microphone, saying why. */
export async function processMicrophone(track: MediaStreamTrack, settings: EffectSettings): Promise<Processed> {
  if (!settings.noiseSuppression) return { track };
  try {
    return { track: await suppressNoise(track) };
  } catch (error) {
    return { track, problem: `Noise suppression is not available here (${(error as Error).message}).` };
  }
}

/**
 * The camera with the chosen background. Falls back to the plain camera, saying why. If the effect
 * later cannot keep up with the camera or stops working, `onGaveUp` says why (once): the owner
 * should switch the effect off.
 */
export async function processCamera(track: MediaStreamTrack, settings: EffectSettings, onGaveUp: (reason: string) => void): Promise<Processed> {
  if (settings.background === 'none' || (settings.background === 'image' && !settings.backgroundImage)) return { track };
  let gaveUp = false;
  const giveUp = (reason: string) => {
    if (gaveUp) return;
    gaveUp = true;
    onGaveUp(reason);
  };
  try {
    const processed = await applyBackground(track, {
      kind: settings.background,
      imageUrl: settings.backgroundImage,
      onTooSlow: (averageMs) => giveUp(`this computer needs ${Math.round(averageMs)} ms per frame, too slow for the camera`),
      onFailed: (message) => giveUp(`it stopped working (${message})`),
    });
    return { track: processed };
  } catch (error) {
    return { track, problem: `Background effects are not available here (${(error as Error).message}).` };
  }
}

/**
 * A fresh, unprocessed copy of whatever device `track` comes from: switching an effect on or off
 * sends a new track made from it, and stopping the old one must not stop the device under it.
 */
export function freshSource(track: MediaStreamTrack): MediaStreamTrack {
  return sourceOf(track).clone();
}

/** The effects part of the saved preferences (noise suppression is on unless turned off). */
export function effectsFromPreferences(preferences: { noiseSuppression?: boolean; backgroundEffect?: BackgroundKind; backgroundImage?: string }): EffectSettings {
  return {
    noiseSuppression: preferences.noiseSuppression ?? true,
    background: preferences.backgroundEffect ?? 'none',
    backgroundImage: preferences.backgroundImage,
  };
}

/** The preferences patch that saves an effects change. */
export function effectsToPreferences(change: Partial<EffectSettings>): { noiseSuppression?: boolean; backgroundEffect?: BackgroundKind; backgroundImage?: string } {
  return {
    ...(change.noiseSuppression !== undefined ? { noiseSuppression: change.noiseSuppression } : {}),
    ...(change.background !== undefined ? { backgroundEffect: change.background } : {}),
    ...(change.backgroundImage !== undefined ? { backgroundImage: change.backgroundImage } : {}),
  };
}
