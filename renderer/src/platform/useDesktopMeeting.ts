import { useEffect, useRef } from 'react';
import type { Conference } from '../conference';
import type { MeetingCommand, MeetingState, Platform } from './Platform';

export interface DesktopMeetingInput {
  state: MeetingState;
  conference: Conference;
  onCommand: Record<MeetingCommand['command'], () => void>;
}

/**
 * The meeting's side of the desktop shell: reports its state (tray, mini window, updates wait for
 * it to end), obeys the tray's and mini window's commands, and asks for OS notifications for
 * others' chat messages and raised hands. Does nothing in the browser.
 */
export function useDesktopMeeting(platform: Platform, { state, conference, onCommand }: DesktopMeetingInput): void {
  const desktop = platform.desktop;
  const commands = useRef(onCommand);
  commands.current = onCommand;
  const { inMeeting, hosting, muted, sharing, roomId, activeSpeaker } = state;

  useEffect(() => {
    desktop?.reportMeeting({ inMeeting, hosting, muted, sharing, roomId, activeSpeaker });
  }, [desktop, inMeeting, hosting, muted, sharing, roomId, activeSpeaker]);

  // Leaving the meeting view (leave, removal, reload) is the end of the meeting for the shell.
  useEffect(() => () => desktop?.reportMeeting({ inMeeting: false, hosting: false, muted: false, sharing: false }), [desktop]);

  useEffect(() => desktop?.onMeetingCommand((command) => commands.current[command]()), [desktop]);

  useEffect(() => {
    if (!desktop) return;
    const onChat = (message: { local: boolean; displayName: string; text: string }) => {
      if (!message.local) desktop.notify({ kind: 'chat', title: message.displayName.slice(0, 120), body: message.text.slice(0, 300) });
    };
    const onHand = ({ participantId, raised }: { participantId: string; raised: boolean }) => {
      const name = conference.participants.get(participantId)?.displayName;
      if (raised && name) desktop.notify({ kind: 'hand', title: `${name.slice(0, 100)} raised a hand`, body: '' });
    };
    // Only the host hears knocks: someone is waiting in the waiting room.
    const onKnock = ({ displayName }: { displayName: string }) => desktop.notify({ kind: 'knock', title: `${displayName.slice(0, 90)} is waiting to join`, body: 'Let them in from the meeting window.' });
    conference.on('chatMessage', onChat);
    conference.on('handRaised', onHand);
    conference.waitingRoom.on('knock', onKnock);
    return () => {
      conference.off('chatMessage', onChat);
      conference.off('handRaised', onHand);
      conference.waitingRoom.off('knock', onKnock);
    };
  }, [desktop, conference]);
}
