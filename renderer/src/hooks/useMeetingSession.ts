import { useCallback, useEffect, useRef, useState } from 'react';
import { ConferenceError, type Conference, type ConnectionState } from '../conference';
import { describeError, needsMeetingKey, needsPasscode, texts } from '../messages';
import type { Notice } from './useNotices';

export interface SessionRequest {
  roomId: string;
  displayName: string;
  passcode?: string;
  ownerKey?: string;
}

export type SessionPhase =
  | { kind: 'joining' }
  | { kind: 'passcode'; error?: string; busy: boolean }
  /** The meeting is end-to-end encrypted and this window has no key: nothing was sent; ask for it. */
  | { kind: 'meetingKey' }
  | { kind: 'joined' };

export interface MeetingSession {
  phase: SessionPhase;
  state: ConnectionState;
  /** Try again with a passcode after the host asked for one. */
  submitPasscode(passcode: string): void;
  /** Try again (with the same passcode): the meeting key has been given to the conference. */
  retry(): void;
}

/**
 * Joins on mount and leaves on unmount. Asks for a passcode when the meeting wants one; ends the
 * meeting view (with the reason) when the host refuses, removes us, or cannot be reached.
 */
export function useMeetingSession(
  conference: Conference,
  request: SessionRequest,
  callbacks: { onJoined(): void; onEnd(notice?: Notice): void; report(notice: Notice): void },
): MeetingSession {
  const [phase, setPhase] = useState<SessionPhase>({ kind: 'joining' });
  const [state, setState] = useState<ConnectionState>(conference.state);
  const latest = useRef(callbacks);
  latest.current = callbacks;
  const alive = useRef(true);
  /** The leave scheduled by the last unmount; a remount (React StrictMode) cancels it. */
  const pendingLeave = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const lastPasscode = useRef(request.passcode);
  const attempt = useCallback(
    async (passcode?: string, active: () => boolean = () => alive.current) => {
      lastPasscode.current = passcode;
      try {
        // Idempotent: a second mount (StrictMode) gets the join already in flight.
        await conference.join({ roomId: request.roomId, displayName: request.displayName, passcode, ownerKey: request.ownerKey });
      } catch (error) {
        if (!active()) return;
        if (needsMeetingKey(error)) {
          setPhase({ kind: 'meetingKey' });
        } else if (needsPasscode(error) || (passcode !== undefined && (error as ConferenceError).code === 'rate_limited')) {
          setPhase({ kind: 'passcode', busy: false, error: passcode === undefined ? undefined : describeError(error) });
        } else {
          latest.current.onEnd({ kind: 'alert', text: describeError(error) });
        }
        return;
      }
      if (!active()) return;
      setPhase({ kind: 'joined' });
      latest.current.onJoined();
    },
    [conference, request],
  );

  const phaseRef = useRef(phase.kind);
  phaseRef.current = phase.kind;

  useEffect(() => {
    clearTimeout(pendingLeave.current);
    alive.current = true;
    let mounted = true;
    let wasReconnecting = false;
    const onState = ({ state: next, error }: { state: ConnectionState; error?: ConferenceError }) => {
      setState(next);
      if (next === 'reconnecting') wasReconnecting = true;
      if (next === 'connected' && wasReconnecting) {
        wasReconnecting = false;
        latest.current.report({ kind: 'status', text: texts.reconnected });
      }
      // Failures while joining are `attempt`'s; these end a meeting we were in (kicked, host gone).
      if (next === 'disconnected' && error && phaseRef.current === 'joined') latest.current.onEnd({ kind: 'alert', text: describeError(error) });
    };
    const onMuted = ({ byParticipantId }: { byParticipantId: string }) => {
      const name = conference.participants.get(byParticipantId)?.displayName;
      latest.current.report({ kind: 'alert', text: texts.mutedByHost(name) });
    };
    conference.on('connectionStateChanged', onState);
    conference.on('mutedByHost', onMuted);
    void attempt(request.passcode, () => mounted);
    return () => {
      mounted = false;
      alive.current = false;
      conference.off('connectionStateChanged', onState);
      conference.off('mutedByHost', onMuted);
      // Deferred: StrictMode unmounts and remounts at once, and the remount must find the meeting still joined.
      pendingLeave.current = setTimeout(() => void conference.leave(), 0);
    };
    // Mount-only: one join per meeting view (the Conference is created once with it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conference]);

  return {
    phase,
    state,
    submitPasscode: (passcode) => {
      setPhase({ kind: 'passcode', busy: true });
      void attempt(passcode);
    },
    retry: () => {
      setPhase({ kind: 'joining' });
      void attempt(lastPasscode.current);
    },
  };
}
