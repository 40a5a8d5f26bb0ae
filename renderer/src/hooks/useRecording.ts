import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { Conference } from '../conference';
import { AudioMix } from '../media/recording/AudioMix';
import { MeetingRecorder } from '../media/recording/MeetingRecorder';
import { compositeStage, type Compositor } from '../media/recording/stageCompositor';
import { downloadSink, fileSink, recordingFileName } from '../media/recording/sinks';
import { describeError } from '../messages';
import type { Platform } from '../platform';
import type { Notice } from './useNotices';

/** Desktop: 4 GB (a FAT32 stick holds it). Browser: held in memory until the download, so less. */
export const RECORDING_LIMITS = { desktop: 4 * 1024 ** 3, browser: 1024 ** 3 };

export type RecordingPhase = 'idle' | 'starting' | 'recording' | 'stopping';

export interface Recording {
  phase: RecordingPhase;
  /** Host, or anyone when the host allows it. */
  canRecord: boolean;
  /** Names of the other participants recording now. */
  othersRecording: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Running {
  recorder: MeetingRecorder;
  compositor: Compositor;
  mix: AudioMix;
}

const formatSize = (bytes: number) => `${Math.round(bytes / 1024 ** 3) >= 1 ? `${Math.round(bytes / 1024 ** 3)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`}`;

/**
 * Local recording of the meeting as it looks (the stage, composited) and sounds (everyone's audio
 * mixed), announced to the room so everyone sees the indicator.
 */
export function useRecording(
  conference: Conference,
  options: { platform: Platform; roomId: string; stage: () => HTMLElement | null; micTrack?: MediaStreamTrack; report: (notice: Notice) => void; maxBytes?: number },
): Recording {
  const { platform, roomId, stage, micTrack, report } = options;
  const [phase, setPhase] = useState<RecordingPhase>('idle');
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const running = useRef<Running | null>(null);
  const mounted = useRef(true);
  const phaseRef = useRef(phase);
  phaseRef.current = phase;
  const maxBytes = options.maxBytes ?? (platform.recordings ? RECORDING_LIMITS.desktop : RECORDING_LIMITS.browser);

  const audioTracks = useCallback(() => {
    const remote = [...conference.participants.values()].flatMap((p) => [...p.streams.values()].filter((s) => s.consumer.kind === 'audio').map((s) => s.consumer.track));
    return micTrack ? [...remote, micTrack] : remote;
  }, [conference, micTrack]);

  // The mix follows who is in the meeting and whether our own mic is on.
  useEffect(() => {
    running.current?.mix.setTracks(audioTracks());
  });

  const finish = useCallback(
    async (reason: 'user' | 'limit' | 'error') => {
      const current = running.current;
      if (!current) return;
      running.current = null;
      setPhase('stopping');
      try {
        const where = await current.recorder.stop();
        if (reason === 'limit') report({ kind: 'alert', text: `Recording stopped: it reached the ${formatSize(maxBytes)} size limit. Saved to ${where}.` });
        else report({ kind: 'status', text: `Recording saved to ${where}.` });
      } catch (error) {
        report({ kind: 'alert', text: `The recording could not be saved: ${describeError(error)}` });
      } finally {
        current.compositor.stop();
        current.mix.close();
        setPhase('idle');
        void conference.setRecording(false).catch(() => undefined);
      }
    },
    [conference, maxBytes, report],
  );

  const start = useCallback(async () => {
    if (phaseRef.current !== 'idle') return;
    setPhase('starting');
    let compositor: Compositor | undefined;
    let mix: AudioMix | undefined;
    try {
      await conference.setRecording(true);
      const name = recordingFileName(roomId);
      const sink = platform.recordings ? await fileSink(platform.recordings, name) : downloadSink(name);
      if (!sink) {
        await conference.setRecording(false);
        setPhase('idle');
        return;
      }
      const failed = (error: Error) => {
        report({ kind: 'alert', text: `Recording failed: ${error.message}` });
        void finish('error');
      };
      compositor = compositeStage(stage, { onError: failed });
      await compositor.drawing;
      mix = new AudioMix();
      mix.setTracks(audioTracks());
      const recorder = new MeetingRecorder(new MediaStream([compositor.track, mix.track]), sink, { maxBytes, onLimit: () => void finish('limit'), onError: failed });
      running.current = { recorder, compositor, mix };
      recorder.start();
      // The meeting view went away while the recording was starting: save what there is.
      if (!mounted.current) {
        void finish('user');
        return;
      }
      setPhase('recording');
      report({ kind: 'status', text: 'Recording started. Everyone in the meeting sees that you are recording.' });
    } catch (error) {
      compositor?.stop();
      mix?.close();
      setPhase('idle');
      void conference.setRecording(false).catch(() => undefined);
      report({ kind: 'alert', text: `Recording could not start: ${describeError(error)}` });
    }
  }, [conference, platform, roomId, stage, audioTracks, maxBytes, finish, report]);

  // Tell everyone when someone else starts or stops; re-render when the host changes who may record.
  useEffect(() => {
    const onChanged = ({ participantId, recording }: { participantId: string; recording: boolean }) => {
      const name = conference.participants.get(participantId)?.displayName ?? 'Someone';
      report({ kind: 'status', text: recording ? `${name} started recording this meeting.` : `${name} stopped recording.` });
    };
    const onAllowed = (allowed: boolean) => {
      if (!conference.localParticipant.isHost) report({ kind: 'status', text: allowed ? 'The host allowed everyone to record.' : 'The host no longer allows participants to record.' });
      bump();
    };
    conference.on('recordingChanged', onChanged);
    conference.on('recordingAllowed', onAllowed);
    return () => {
      conference.off('recordingChanged', onChanged);
      conference.off('recordingAllowed', onAllowed);
    };
  }, [conference, report]);

  // Leaving the meeting view saves what was recorded.
  const finishRef = useRef(finish);
  finishRef.current = finish;
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      void finishRef.current('user');
    };
  }, []);

  return {
    phase,
    canRecord: conference.localParticipant.isHost || conference.recordingAllowed,
    othersRecording: [...conference.participants.values()].filter((p) => p.recording).map((p) => p.displayName),
    start,
    stop: () => finish('user'),
  };
}
