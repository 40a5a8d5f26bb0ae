import { useCallback, useEffect, useState } from 'react';
import type { DiscoveredMeeting, HostingInfo, Platform, ScreenSource, SystemAudio } from '../platform';

/** Meetings advertised on the LAN (desktop only; empty elsewhere). */
export function useDiscoveredMeetings(platform: Platform): DiscoveredMeeting[] {
  const [meetings, setMeetings] = useState<DiscoveredMeeting[]>([]);
  useEffect(() => platform.discovery?.subscribe((list) => setMeetings([...list])), [platform]);
  return meetings;
}

/** The pending screen-share request from the desktop app's picker, if any, and how to answer it. */
export function useScreenPickerRequest(platform: Platform): { sources?: ScreenSource[]; audio?: SystemAudio; choose(sourceId: string | null, withAudio: boolean): Promise<void> } {
  const [sources, setSources] = useState<ScreenSource[] | undefined>();
  const [audio, setAudio] = useState<SystemAudio | undefined>();
  useEffect(
    () =>
      platform.screenPicker?.onRequest((list, systemAudio) => {
        setSources([...list]);
        setAudio(systemAudio);
      }),
    [platform],
  );
  const choose = useCallback(
    async (sourceId: string | null, withAudio: boolean) => {
      setSources(undefined);
      await platform.screenPicker?.choose(sourceId, withAudio);
    },
    [platform],
  );
  return { sources, audio, choose };
}

/** The meeting this app is hosting (desktop only), kept in step with start and stop. */
export function useHosting(platform: Platform): {
  info: HostingInfo | null;
  start(roomId: string): Promise<HostingInfo>;
  stop(): Promise<void>;
} {
  const [info, setInfo] = useState<HostingInfo | null>(null);
  useEffect(() => {
    let cancelled = false;
    void platform.hosting?.status().then(
      (status) => !cancelled && setInfo(status),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [platform]);
  return {
    info,
    start: async (roomId) => {
      if (!platform.hosting) throw new Error('hosting is only available in the desktop app');
      const started = await platform.hosting.start(roomId);
      setInfo(started);
      return started;
    },
    stop: async () => {
      await platform.hosting?.stop();
      setInfo(null);
    },
  };
}
