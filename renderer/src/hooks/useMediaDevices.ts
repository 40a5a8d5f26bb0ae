import { useCallback, useEffect, useState } from 'react';

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
}

const EMPTY: DeviceLists = { cameras: [], microphones: [], speakers: [] };

/** The cameras, microphones and speakers the browser knows, kept current as devices come and go. */
export function useMediaDevices(): DeviceLists & { refresh(): void } {
  const [lists, setLists] = useState<DeviceLists>(EMPTY);
  const refresh = useCallback(() => {
    const media = navigator.mediaDevices;
    if (!media?.enumerateDevices) return;
    void media.enumerateDevices().then(
      (devices) =>
        setLists({
          // Before permission is granted ids are empty: such entries cannot be chosen.
          cameras: devices.filter((d) => d.kind === 'videoinput' && d.deviceId),
          microphones: devices.filter((d) => d.kind === 'audioinput' && d.deviceId),
          speakers: devices.filter((d) => d.kind === 'audiooutput' && d.deviceId),
        }),
      () => setLists(EMPTY),
    );
  }, []);
  useEffect(() => {
    refresh();
    const media = navigator.mediaDevices;
    media?.addEventListener?.('devicechange', refresh);
    return () => media?.removeEventListener?.('devicechange', refresh);
  }, [refresh]);
  return { ...lists, refresh };
}

/** Whether this browser can route audio to a chosen speaker. */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}
