import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import { ReactionPicker, type ReactionEmoji } from './ReactionPicker';

export type Panel = 'chat' | 'participants' | null;

export interface ControlsProps {
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  canShareScreen: boolean;
  handRaised: boolean;
  panel: Panel;
  unreadChat: number;
  participantCount: number;
  /** False until the meeting is joined: nothing to send to yet. */
  connected: boolean;
  /** Shown to the host, and to everyone when the host allows recording. */
  recording?: { canRecord: boolean; phase: 'idle' | 'starting' | 'recording' | 'stopping' };
  onToggleRecording?(): void;
  onToggleMic(): void;
  onToggleCamera(): void;
  onToggleScreen(): void;
  onToggleHand(): void;
  onReact(emoji: ReactionEmoji): void;
  onTogglePanel(panel: Exclude<Panel, null>): void;
  onLeave(): void;
}

export function ControlButton({ children, icon, ...props }: { children: ReactNode; icon: IconName } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="button" {...props}>
      <Icon name={icon} />
      <span className="label">{children}</span>
    </button>
  );
}

/**
 * The meeting's control bar. Every button's accessible name says what it will do ("Mute",
 * "Unmute"), so the exact same words work for screen readers, voice control and tests.
 */
export function Controls(props: ControlsProps) {
  const { micOn, cameraOn, sharing, handRaised, panel, unreadChat, connected } = props;
  return (
    <nav className="controls" aria-label="Meeting controls">
      <ControlButton icon={micOn ? 'mic' : 'micOff'} className={micOn ? undefined : 'off'} onClick={props.onToggleMic} aria-keyshortcuts="Alt+A" title="Microphone (Alt+A)">
        {micOn ? 'Mute' : 'Unmute'}
      </ControlButton>
      <ControlButton icon={cameraOn ? 'camera' : 'cameraOff'} className={cameraOn ? undefined : 'off'} onClick={props.onToggleCamera} aria-keyshortcuts="Alt+V" title="Camera (Alt+V)">
        {cameraOn ? 'Stop video' : 'Start video'}
      </ControlButton>
      {props.canShareScreen && (
        <ControlButton icon="screen" className={sharing ? 'active' : undefined} onClick={props.onToggleScreen} disabled={!connected}>
          {sharing ? 'Stop sharing' : 'Share screen'}
        </ControlButton>
      )}
      <ControlButton icon="hand" className={handRaised ? 'active' : undefined} onClick={props.onToggleHand} disabled={!connected}>
        {handRaised ? 'Lower hand' : 'Raise hand'}
      </ControlButton>
      <ReactionPicker onReact={props.onReact} disabled={!connected} />
      {props.recording && (props.recording.canRecord || props.recording.phase !== 'idle') && (
        <ControlButton
          icon="record"
          className={props.recording.phase === 'recording' ? 'active recording' : undefined}
          onClick={props.onToggleRecording}
          disabled={!connected || props.recording.phase === 'starting' || props.recording.phase === 'stopping'}
        >
          {props.recording.phase === 'idle' || props.recording.phase === 'starting' ? 'Record' : 'Stop recording'}
        </ControlButton>
      )}
      <span className="separator" aria-hidden="true" />
      <button
        type="button"
        aria-label="Chat"
        aria-expanded={panel === 'chat'}
        aria-controls="side-panel"
        aria-describedby={unreadChat ? 'chat-unread-text' : undefined}
        onClick={() => props.onTogglePanel('chat')}
      >
        <Icon name="chat" />
        <span className="label" aria-hidden="true">
          Chat
        </span>
        {unreadChat > 0 && (
          <span className="unread" data-testid="chat-unread" aria-hidden="true">
            {unreadChat}
          </span>
        )}
      </button>
      {unreadChat > 0 && (
        <span id="chat-unread-text" className="visually-hidden">
          {unreadChat === 1 ? '1 unread message' : `${unreadChat} unread messages`}
        </span>
      )}
      <button type="button" aria-label="Participants" aria-expanded={panel === 'participants'} aria-controls="side-panel" onClick={() => props.onTogglePanel('participants')}>
        <Icon name="people" />
        <span className="label" aria-hidden="true">
          Participants
        </span>
        <span className="count" data-testid="participant-count" aria-hidden="true">
          {props.participantCount}
        </span>
      </button>
      <span className="separator" aria-hidden="true" />
      <ControlButton icon="leave" className="leave" onClick={props.onLeave}>
        Leave
      </ControlButton>
    </nav>
  );
}

/** Less frequent actions, in the header: layout, invite, device settings. */
export function MeetingTools({ speakerLayout, onToggleLayout, onInvite, onSettings }: { speakerLayout: boolean; onToggleLayout(): void; onInvite(): void; onSettings(): void }) {
  return (
    <div className="meeting-tools" role="toolbar" aria-label="Meeting tools">
      <ControlButton icon="speaker" aria-pressed={speakerLayout} onClick={onToggleLayout}>
        Speaker view
      </ControlButton>
      <ControlButton icon="link" onClick={onInvite}>
        Invite
      </ControlButton>
      <ControlButton icon="gear" onClick={onSettings}>
        Settings
      </ControlButton>
    </div>
  );
}
