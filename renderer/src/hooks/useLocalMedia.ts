import { useCallback, useEffect, useReducer, useRef } from 'react';
import { ConferenceError, type Conference, type LocalStream } from '../conference';
import { freshSource, microphoneConstraints, processCamera, processMicrophone, type EffectSettings } from '../media/effects';
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

/** The microphone as opened for sending and previews: see media/effects.ts. */
export const audioConstraints = microphoneConstraints;

/** 720p so the camera's three simulcast layers (180p/360p/720p) all exist. */
export function videoConstraints(deviceId?: string): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { ideal: deviceId } } : {}),
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30 },
  };
}

/**
 * The screen (or window, or tab) and, when the user shares it, its audio: sent as its own
 * `screen-audio` producer, which the host forwards to everyone but the sharer.
 */
async function shareScreen(conference: Conference): Promise<void> {
  let media: MediaStream;
  try {
    media = await navigator.mediaDevices.getDisplayMedia({
      video: { frameRate: { max: 15 }, width: { max: 1920 }, height: { max: 1080 } },
      audio: true,
      // Chromium: offer "share system audio" (Windows, ChromeOS) and tab audio.
      systemAudio: 'include',
    } as DisplayMediaStreamOptions);
  } catch (error) {
    throw ConferenceError.fromMediaError(error);
  }
  const [video] = media.getVideoTracks();
  const [audio] = media.getAudioTracks();
  if (!video) {
    media.getTracks().forEach((track) => track.stop());
    throw new ConferenceError('media_failed', 'the screen share has no video');
  }
  video.contentHint = 'detail';
  await conference.produceTrack(video, 'screen');
  if (audio) {
    audio.contentHint = 'music';
    await conference.produceTrack(audio, 'screen-audio');
  }
}

function find(conference: Conference, source: LocalStream['source']): LocalStream | undefined {
  for (const stream of conference.localStreams) if (stream.source === source && !stream.stopped) return stream;
  return undefined;
}

async function openDevices(request: { audio?: MediaTrackConstraints; video?: MediaTrackConstraints }): Promise<MediaStreamTrack[]> {
  try {
    return (await navigator.mediaDevices.getUserMedia(request)).getTracks();
  } catch (error) {
    throw ConferenceError.fromMediaError(error);
  }
}

/**
 * The local participant's mic, camera and screen share, and the actions on them. Device tracks
 * go through the chosen effects (noise suppression, background) before the SDK sends them.
 */
export function useLocalMedia(
  conference: Conference,
  devices: DeviceChoice,
  report: (notice: Notice) => void,
  effects: EffectSettings,
  onEffectsFailed: (change: Partial<EffectSettings>) => void,
): LocalMedia {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const busy = useRef(new Set<string>());
  const mic = find(conference, 'mic');
  const camera = find(conference, 'camera');
  const screen = find(conference, 'screen');
  const latest = useRef({ effects, onEffectsFailed, report });
  latest.current = { effects, onEffectsFailed, report };

  /** A device track made ready to send: with the current effects, or plain if they fail (saying why). */
  const process = useCallback(async (track: MediaStreamTrack, settings = latest.current.effects): Promise<MediaStreamTrack> => {
    const processed =
      track.kind === 'audio'
        ? await processMicrophone(track, settings)
        : await processCamera(track, settings, (reason) => {
            latest.current.report({ kind: 'alert', text: `Background effect turned off: ${reason}.` });
            latest.current.onEffectsFailed({ background: 'none' });
          });
    if (processed.problem) {
      latest.current.report({ kind: 'alert', text: processed.problem });
      latest.current.onEffectsFailed(track.kind === 'audio' ? { noiseSuppression: false } : { background: 'none' });
    }
    return processed.track;
  }, []);

  const produceTracks = useCallback(
    async (tracks: MediaStreamTrack[]) => {
      // Side by side: the camera need not wait for the noise suppressor to load.
      const results = await Promise.allSettled(tracks.map(async (track) => conference.produceTrack(await process(track), track.kind === 'audio' ? 'mic' : 'camera')));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    [conference, process],
  );

  // An effect switched in the settings: send a new track made from the same device.
  const applied = useRef(effects);
  useEffect(() => {
    const before = applied.current;
    applied.current = effects;
    const swap = async (stream: LocalStream | undefined) => {
      if (!stream) return;
      const track = await process(freshSource(stream.track), effects);
      await stream.replaceTrack(track).catch((error: unknown) => {
        track.stop();
        report({ kind: 'alert', text: describeError(error) });
      });
    };
    if (before.noiseSuppression !== effects.noiseSuppression) void swap(mic);
    if (before.background !== effects.background || (effects.background === 'image' && before.backgroundImage !== effects.backgroundImage)) void swap(camera);
  }, [effects, mic, camera, process, report]);

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
      if (stream.source === 'screen-audio') return;
      if (stream.source === 'screen') {
        void find(conference, 'screen-audio')?.stop();
        report({ kind: 'status', text: 'Screen sharing stopped.' });
      }
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
        await produceTracks(await openDevices(kind === 'audio' ? { audio: audioConstraints(devices.microphoneId) } : { video: videoConstraints(devices.cameraId) }));
      } catch (error) {
        report({ kind: 'alert', text: describeError(error) });
      }
    },
    [produceTracks, devices.cameraId, devices.microphoneId, report],
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
        if (screen) {
          await screen.stop();
          return find(conference, 'screen-audio')?.stop();
        }
        try {
          await shareScreen(conference);
        } catch (error) {
          report(describeScreenShareError(error));
        }
      }),
    startAll: () =>
      once('all', async () => {
        let both: MediaStreamTrack[];
        try {
          both = await openDevices({ audio: audioConstraints(devices.microphoneId), video: videoConstraints(devices.cameraId) });
        } catch (error) {
          // One of the two may still work (no camera, or the camera is in use): try each alone.
          const errors: unknown[] = [];
          for (const kind of ['audio', 'video'] as const) {
            try {
              await produceTracks(await openDevices(kind === 'audio' ? { audio: audioConstraints(devices.microphoneId) } : { video: videoConstraints(devices.cameraId) }));
            } catch (single) {
              errors.push(single);
            }
          }
          if (errors.length) report({ kind: 'alert', text: describeError(errors.length === 2 ? error : errors[0]) });
          return;
        }
        try {
          await produceTracks(both);
        } catch (error) {
          report({ kind: 'alert', text: describeError(error) });
        }
      }),
    switchDevice: async (kind, deviceId) => {
      const stream = kind === 'audio' ? mic : camera;
      if (!stream) return;
      try {
        const [track] = await openDevices(kind === 'audio' ? { audio: audioConstraints(deviceId) } : { video: videoConstraints(deviceId) });
        if (track) await stream.replaceTrack(await process(track));
      } catch (error) {
        report({ kind: 'alert', text: describeError(error) });
      } finally {
        bump();
      }
    },
  };
}
