import { useEffect, useState } from 'react';
import { describeError } from '../messages';
import { audioConstraints, videoConstraints } from './useLocalMedia';

export interface Preview {
  stream?: MediaStream;
  error?: string;
  /** True while the devices are being opened. */
  starting: boolean;
}

/**
 * Opens the chosen camera (and microphone, so their names can be listed) for the pre-join
 * preview, and closes them when the choice changes or the preview goes away.
 */
export function useCameraPreview(enabled: boolean, cameraId: string | undefined, microphoneId: string | undefined, onStarted?: () => void): Preview {
  const [preview, setPreview] = useState<Preview>({ starting: enabled });
  useEffect(() => {
    if (!enabled) {
      setPreview({ starting: false });
      return;
    }
    let cancelled = false;
    let opened: MediaStream | undefined;
    setPreview((old) => ({ ...old, starting: true }));
    void (async () => {
      const media = navigator.mediaDevices;
      if (!media?.getUserMedia) {
        setPreview({ starting: false, error: 'This browser cannot use a camera or microphone here (a secure https:// page is needed).' });
        return;
      }
      let error: unknown;
      for (const request of [
        { video: videoConstraints(cameraId), audio: audioConstraints(microphoneId) },
        { video: videoConstraints(cameraId) },
        { audio: audioConstraints(microphoneId) },
      ]) {
        try {
          opened = await media.getUserMedia(request);
          break;
        } catch (failure) {
          error ??= failure;
          // Denied is denied: asking for less will not change the answer.
          if ((failure as { name?: string }).name === 'NotAllowedError') break;
        }
      }
      if (cancelled) {
        opened?.getTracks().forEach((t) => t.stop());
        return;
      }
      const partial = opened && (opened.getVideoTracks().length === 0 || opened.getAudioTracks().length === 0);
      setPreview({
        stream: opened,
        starting: false,
        error: !opened || partial ? describeError(error) : undefined,
      });
      if (opened) onStarted?.();
    })();
    return () => {
      cancelled = true;
      opened?.getTracks().forEach((t) => t.stop());
    };
    // onStarted is a notification only; a new function must not reopen the camera.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, cameraId, microphoneId]);
  return preview;
}
