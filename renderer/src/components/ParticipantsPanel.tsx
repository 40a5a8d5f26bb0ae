import type { Conference, RemoteParticipant } from '../conference';
import type { Notice } from '../hooks/useNotices';
import { describeError } from '../messages';
import { HostControls } from './HostControls';
import { HandIcon, HostBadge, MutedIcon } from './TileBadges';

interface ParticipantsPanelProps {
  conference: Conference;
  localName: string;
  micOn: boolean;
  report(notice: Notice): void;
}

/** Everyone in the meeting (tiles may be off screen; this list is complete), with host controls. */
export function ParticipantsPanel({ conference, localName, micOn, report }: ParticipantsPanelProps) {
  const isHost = conference.localParticipant.isHost;
  const participants = [...conference.participants.values()];
  const run = (action: Promise<void>, done: string) =>
    void action.then(
      () => report({ kind: 'status', text: done }),
      (error: unknown) => report({ kind: 'alert', text: describeError(error) }),
    );

  return (
    <div className="participants">
      {isHost && <HostControls conference={conference} report={report} />}
      <ul className="participant-list" data-testid="participant-list">
        <li data-participant-name={localName}>
          <span className="name">{localName} (you)</span>
          {conference.localParticipant.isHost && <HostBadge />}
          {conference.localParticipant.handRaised && <HandIcon />}
          {!micOn && <MutedIcon />}
        </li>
        {participants.map((participant: RemoteParticipant) => (
          <li key={participant.id} data-participant-name={participant.displayName} data-reconnecting={String(participant.reconnecting)}>
            <bdi className="name">{participant.displayName}</bdi>
            {participant.reconnecting && <span className="participant-reconnecting">reconnecting…</span>}
            {participant.isHost && <HostBadge />}
            {participant.handRaised && <HandIcon />}
            {participant.muted && <MutedIcon />}
            {isHost && (
              <span className="row-actions">
                <button
                  type="button"
                  aria-label={`Mute ${participant.displayName}`}
                  disabled={participant.muted}
                  onClick={() => run(conference.muteParticipant(participant.id), `${participant.displayName} was muted.`)}
                >
                  Mute
                </button>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Remove ${participant.displayName}`}
                  onClick={() => run(conference.removeParticipant(participant.id), `${participant.displayName} was removed from the meeting.`)}
                >
                  Remove
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
