import { useEffect, useRef } from 'react';
import type { Conference, RemoteParticipant } from '../conference';
import { texts } from '../messages';
import type { Notice } from './useNotices';

/** Tells the user (and screen readers) what others did: joined, left, raised a hand, locked the room. */
export function useAnnouncements(conference: Conference, report: (notice: Notice) => void): void {
  const latest = useRef(report);
  latest.current = report;
  useEffect(() => {
    const say = (text: string) => latest.current({ kind: 'status', text });
    const onJoined = (p: RemoteParticipant) => conference.state === 'connected' && say(`${p.displayName} joined.`);
    const onLeft = (p: RemoteParticipant) => conference.state === 'connected' && say(`${p.displayName} left.`);
    const onHand = ({ participantId, raised }: { participantId: string; raised: boolean }) => {
      const participant = conference.participants.get(participantId);
      if (raised && participant) say(texts.handRaised(participant.displayName));
    };
    const onLocked = (locked: boolean) => say(texts.roomLocked(locked));
    conference.on('participantJoined', onJoined);
    conference.on('participantLeft', onLeft);
    conference.on('handRaised', onHand);
    conference.on('roomLocked', onLocked);
    return () => {
      conference.off('participantJoined', onJoined);
      conference.off('participantLeft', onLeft);
      conference.off('handRaised', onHand);
      conference.off('roomLocked', onLocked);
    };
  }, [conference]);
}
