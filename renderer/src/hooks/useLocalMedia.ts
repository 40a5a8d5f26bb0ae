import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { Conference, LocalStream } from '../conference';
import { describeError, describeScreenShareError } from '../messages';
import type { Notice } from './useNotices';

export interface DeviceChoice {
  cameraId?: string;
  microphoneId?: string;
}

export interface LocalMedia {
  mic?: LocalStream;
  camera?: LocalStream;
  screen?: LocalStream;
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  toggleMic(): Promise<void>;
  toggleCamera(): Promise<void>;
  toggleScreen(): Promise<void>;
  /** Starts camera and microphone after joining; reports what could not be started. */
  startAll(): Promise<void>;
  /** Sends a different device's track in place of the current one (no renegotiation). */
  switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void>;
}

export function audioConstraints(deviceId?: string): MediaTrackConstraints {
  return deviceId ? { deviceId: { ideal: deviceId } } : {};
}

/** 720p so the camera's three simulcast layers (180p/360p/720p) all exist. */
export function videoConstraints(deviceId?: string): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { ideal: deviceId } } : {}),
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30 },
  };
}

function find(conference: Conference, source: LocalStream['source']): LocalStream | undefined {
  for (const stream of conference.localStreams) if (stream.source === source && !stream.stopped) return stream;
  return undefined;
}

/** The local participant's mic, camera and screen share, and the actions on them. */
export function useLocalMedia(conference: Conference, devices: DeviceChoice, report: (notice: Notice) => void): LocalMedia {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const busy = useRef(new Set<string>());
  const mic = find(conference, 'mic');
  const camera = find(conference, 'camera');
  const screen = find(conference, 'screen');

  useEffect(() => {
    const streams = [mic, camera, screen].filter((s): s is LocalStream => Boolean(s));
    for (const stream of streams) {
      stream.on('paused', bump);
      stream.on('resumed', bump);
      stream.on('ended', bump);
    }
    return () => {
      for (const stream of streams) {
        stream.off('paused', bump);
        stream.off('resumed', bump);
        stream.off('ended', bump);
      }
    };
  }, [mic, camera, screen]);

  useEffect(() => {
    const onEnded = (stream: LocalStream) => {
      if (stream.source === 'screen') report({ kind: 'status', text: 'Screen sharing stopped.' });
      else report({ kind: 'alert', text: `Your ${stream.source === 'mic' ? 'microphone' : 'camera'} stopped (was it unplugged?).` });
      bump();
    };
    conference.on('localStreamEnded', onEnded);
    return () => {
      conference.off('localStreamEnded', onEnded);
    };
  }, [conference, report]);

  /** Runs one action at a time per key; a double click does not start two cameras. */
  const once = useCallback(async (key: string, action: () => Promise<void>) => {
    if (busy.current.has(key)) return;
    busy.current.add(key);
    try {
      await action();
    } finally {
      busy.current.delete(key);
      bump();
    }
  }, []);

  const start = useCallback(
    async (kind: 'audio' | 'video') => {
      try {
        await conference.produce(kind === 'audio' ? { audio: audioConstraints(devices.microphoneId) } : { video: videoConstraints(devices.cameraId) });
      } catch (error) {
        report({ kind: 'alert', text: describeError(error) });
      }
    },
    [conference, devices.cameraId, devices.microphoneId, report],
  );

  const toggle = useCallback(
    (stream: LocalStream | undefined, kind: 'audio' | 'video') =>
      once(kind, async () => {
        if (!stream) return start(kind);
        try {
          await (stream.paused ? stream.resume() : stream.pause());
        } catch (error) {
          report({ kind: 'alert', text: describeError(error) });
        }
      }),
    [once, start, report],
  );

  return {
    mic,
    camera,
    screen,
    micOn: Boolean(mic && !mic.paused),
    cameraOn: Boolean(camera && !camera.paused),
    sharing: Boolean(screen),
    toggleMic: () => toggle(mic, 'audio'),
    toggleCamera: () => toggle(camera, 'video'),
    toggleScreen: () =>
      once('screen', async () => {
        if (screen) return screen.stop();
        try {
          await conference.shareScreen();
        } catch (error) {
          report(describeScreenShareError(error));
        }
      }),
    startAll: () =>
      once('all', async () => {
        try {
          await conference.produce({ audio: audioConstraints(devices.microphoneId), video: videoConstraints(devices.cameraId) });
          return;
        } catch (error) {
          // One of the two may still work (no camera, or the camera is in use): try each alone.
          const errors: unknown[] = [];
          for (const kind of ['audio', 'video'] as const) {
            try {
              await conference.produce(kind === 'audio' ? { audio: audioConstraints(devices.microphoneId) } : { video: videoConstraints(devices.cameraId) });
            } catch (single) {
              errors.push(single);
            }
          }
          if (errors.length) report({ kind: 'alert', text: describeError(errors.length === 2 ? error : errors[0]) });
        }
      }),
    switchDevice: async (kind, deviceId) => {
      const stream = kind === 'audio' ? mic : camera;
      if (!stream) return;
      try {
        const media = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: audioConstraints(deviceId) } : { video: videoConstraints(deviceId) });
        const [track] = media.getTracks();
        if (track) await stream.replaceTrack(track);
      } catch (error) {
        report({ kind: 'alert', text: describeError(error) });
      } finally {
        bump();
      }
    },
  };
}
