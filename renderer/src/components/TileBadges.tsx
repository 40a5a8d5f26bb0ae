import { Icon } from './Icon';

/** The small state icons in a tile's name label. */
export function MutedIcon() {
  return (
    <span className="badge muted-icon" data-testid="muted-icon" role="img" aria-label="Microphone off" title="Microphone off">
      <Icon name="micOff" size={16} />
    </span>
  );
}

export function HandIcon() {
  return (
    <span className="badge hand-icon" data-testid="hand-icon" role="img" aria-label="Hand raised" title="Hand raised">
      <Icon name="hand" size={16} />
    </span>
  );
}

export function HostBadge() {
  return <span className="host-badge">host</span>;
}

/** Reactions floating up over a tile for a few seconds. */
export function ReactionOverlay({ reactions }: { reactions: { key: number; emoji: string }[] }) {
  if (!reactions.length) return null;
  return (
    <div className="reactions" data-testid="reactions" aria-live="polite">
      {reactions.map((reaction) => (
        <span key={reaction.key} className="reaction" data-testid="reaction" role="img" aria-label={`Reaction ${reaction.emoji}`}>
          {reaction.emoji}
        </span>
      ))}
    </div>
  );
}
