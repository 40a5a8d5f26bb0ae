import type { LocalStream } from '../conference';
import type { ShownReaction } from '../hooks/useReactions';
import { Avatar } from './Avatar';
import { MediaView } from './MediaView';
import { HandIcon, HostBadge, MutedIcon, ReactionOverlay } from './TileBadges';

interface LocalTileProps {
  name: string;
  camera?: LocalStream;
  cameraOn: boolean;
  micOn: boolean;
  handRaised?: boolean;
  isHost?: boolean;
  speaking?: boolean;
  reactions?: ShownReaction[];
}

/** The self-view. Mirrored like a mirror; never plays our own audio. */
export function LocalTile({ name, camera, cameraOn, micOn, handRaised = false, isHost = false, speaking = false, reactions = [] }: LocalTileProps) {
  return (
    <article
      className={`tile local${speaking ? ' speaking' : ''}${handRaised ? ' hand-raised' : ''}`}
      data-testid="local-tile"
      data-muted={String(!micOn)}
      data-camera-off={String(!cameraOn)}
      data-hand-raised={String(handRaised)}
      data-speaking={String(speaking)}
      aria-label={`${name} (you)`}
    >
      {cameraOn && camera ? <MediaView kind="video" stream={camera.stream} muted className="mirror" label="Your camera" /> : <Avatar name={name} />}
      <ReactionOverlay reactions={reactions} />
      {handRaised && (
        <div className="tile-hand">
          <HandIcon />
        </div>
      )}
      <footer className="tile-label">
        {!micOn && <MutedIcon />}
        <span className="name">{name} (you)</span>
        {isHost && <HostBadge />}
      </footer>
    </article>
  );
}
