import { useEffect, useReducer } from 'react';
import type { Conference, ConferenceEvents } from '../conference';

const RENDER_EVENTS: (keyof ConferenceEvents)[] = [
  'participantJoined',
  'participantLeft',
  'participantUpdated',
  'streamAdded',
  'streamRemoved',
  'localStreamAdded',
  'localStreamEnded',
  'localUpdated',
  'activeSpeaker',
  'chatMessage',
  'handRaised',
  'roomLocked',
  'connectionStateChanged',
];

/** Re-renders the caller whenever the conference's visible state changes; returns a version number. */
export function useConferenceSnapshot(conference: Conference | undefined): number {
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!conference) return;
    for (const event of RENDER_EVENTS) conference.on(event, bump);
    return () => {
      for (const event of RENDER_EVENTS) conference.off(event, bump);
    };
  }, [conference]);
  return version;
}
