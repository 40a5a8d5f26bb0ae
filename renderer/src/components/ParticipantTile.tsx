import type { Conference, RemoteParticipant } from '../conference';
import type { ShownReaction } from '../hooks/useReactions';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { QualityIndicator } from './QualityIndicator';
import { RemoteVideo } from './RemoteVideo';
import { HandIcon, HostBadge, MutedIcon, ReactionOverlay } from './TileBadges';

interface ParticipantTileProps {
  conference: Conference;
  participant: RemoteParticipant;
  speaking: boolean;
  reactions?: ShownReaction[];
  pinned?: boolean;
  onTogglePin?(): void;
  /** End-to-end encrypted meeting, and this participant's media fails to decrypt with our key. */
  cannotDecrypt?: boolean;
}

/** One remote participant: camera video (or an avatar), name and state badges. Audio plays elsewhere. */
export function ParticipantTile({ conference, participant, speaking, reactions = [], pinned = false, onTogglePin, cannotDecrypt = false }: ParticipantTileProps) {
  const camera = participant.streamFor('camera');
  const cameraOff = participant.cameraOff || !camera;
  const consumerId = camera && [...participant.streams.entries()].find(([, s]) => s === camera)?.[0];
  const starved = !cameraOff && camera?.starved === true;
  const { muted, handRaised, displayName, reconnecting } = participant;
  return (
    <article
      className={`tile${speaking ? ' speaking' : ''}${handRaised ? ' hand-raised' : ''}${reconnecting ? ' is-reconnecting' : ''}`}
      data-testid="participant-tile"
      data-participant-name={displayName}
      data-participant-id={participant.id}
      data-muted={String(muted)}
      data-camera-off={String(cameraOff)}
      data-hand-raised={String(handRaised)}
      data-speaking={String(speaking)}
      data-pinned={String(pinned)}
      data-reconnecting={String(reconnecting)}
      data-cannot-decrypt={String(cannotDecrypt)}
      data-video-starved={String(starved)}
      aria-label={displayName}
    >
      {camera && consumerId && !cameraOff ? (
        <RemoteVideo conference={conference} consumerId={consumerId} stream={camera.stream} label={`${displayName}'s camera`} />
      ) : (
        <Avatar name={displayName} />
      )}
      {starved && !reconnecting && (
        <div className="tile-starved" role="status" data-testid="video-starved">
          Video paused: poor connection
        </div>
      )}
      {reconnecting && (
        <div className="tile-reconnecting" role="status">
          Reconnecting…
        </div>
      )}
      {cannotDecrypt && (
        <div className="tile-cannot-decrypt" role="status" data-testid="cannot-decrypt">
          Cannot decrypt: {displayName} uses another meeting key
        </div>
      )}
      <ReactionOverlay reactions={reactions} />
      {handRaised && (
        <div className="tile-hand">
          <HandIcon />
        </div>
      )}
      {onTogglePin && (
        <button type="button" className={`pin-button${pinned ? ' pinned' : ''}`} aria-pressed={pinned} aria-label={`${pinned ? 'Unpin' : 'Pin'} ${displayName}`} title={pinned ? 'Unpin' : 'Pin to the main view'} onClick={onTogglePin}>
          <Icon name="pin" size={16} />
        </button>
      )}
      <footer className="tile-label">
        {muted && <MutedIcon />}
        <bdi className="name">{displayName}</bdi>
        {participant.isHost && <HostBadge />}
        <QualityIndicator score={participant.quality} />
      </footer>
    </article>
  );
}
