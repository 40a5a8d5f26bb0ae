import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { ReactionPicker, type ReactionEmoji } from './ReactionPicker';

export type Panel = 'chat' | 'participants' | null;

export interface ControlsProps {
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  canShareScreen: boolean;
  handRaised: boolean;
  speakerLayout: boolean;
  panel: Panel;
  unreadChat: number;
  participantCount: number;
  /** False until the meeting is joined: nothing to send to yet. */
  connected: boolean;
  onToggleMic(): void;
  onToggleCamera(): void;
  onToggleScreen(): void;
  onToggleHand(): void;
  onReact(emoji: ReactionEmoji): void;
  onToggleLayout(): void;
  onTogglePanel(panel: Exclude<Panel, null>): void;
  onInvite(): void;
  onSettings(): void;
  onLeave(): void;
}

function ControlButton({ children, icon, ...props }: { children: ReactNode; icon: string } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="button" {...props}>
      <span className="icon" aria-hidden="true">
        {icon}
      </span>
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
      <ControlButton icon={micOn ? '🎙️' : '🔇'} className={micOn ? undefined : 'off'} onClick={props.onToggleMic} aria-keyshortcuts="Alt+A" title={`${micOn ? 'Mute' : 'Unmute'} (Alt+A)`}>
        {micOn ? 'Mute' : 'Unmute'}
      </ControlButton>
      <ControlButton icon={cameraOn ? '📷' : '🚫'} className={cameraOn ? undefined : 'off'} onClick={props.onToggleCamera} aria-keyshortcuts="Alt+V" title={`${cameraOn ? 'Stop video' : 'Start video'} (Alt+V)`}>
        {cameraOn ? 'Stop video' : 'Start video'}
      </ControlButton>
      {props.canShareScreen && (
        <ControlButton icon="🖥️" className={sharing ? 'active' : undefined} onClick={props.onToggleScreen} disabled={!connected}>
          {sharing ? 'Stop sharing' : 'Share screen'}
        </ControlButton>
      )}
      <ControlButton icon="✋" className={handRaised ? 'active' : undefined} onClick={props.onToggleHand} disabled={!connected}>
        {handRaised ? 'Lower hand' : 'Raise hand'}
      </ControlButton>
      <ReactionPicker onReact={props.onReact} disabled={!connected} />
      <span className="separator" aria-hidden="true" />
      <button type="button" className="with-badge" aria-label="Chat" aria-expanded={panel === 'chat'} aria-controls="side-panel" aria-describedby={unreadChat ? 'chat-unread-text' : undefined} onClick={() => props.onTogglePanel('chat')}>
        <span className="icon" aria-hidden="true">
          💬
        </span>
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
      <button type="button" className="with-badge" aria-label="Participants" aria-expanded={panel === 'participants'} aria-controls="side-panel" onClick={() => props.onTogglePanel('participants')}>
        <span className="icon" aria-hidden="true">
          👥
        </span>
        <span className="label" aria-hidden="true">
          Participants
        </span>
        <span className="count" data-testid="participant-count" aria-hidden="true">
          {props.participantCount}
        </span>
      </button>
      <ControlButton icon="▦" aria-pressed={props.speakerLayout} onClick={props.onToggleLayout}>
        Speaker view
      </ControlButton>
      <ControlButton icon="🔗" onClick={props.onInvite}>
        Invite
      </ControlButton>
      <ControlButton icon="⚙️" onClick={props.onSettings}>
        Settings
      </ControlButton>
      <ControlButton icon="📞" className="leave" onClick={props.onLeave}>
        Leave
      </ControlButton>
    </nav>
  );
}
