/** The small state icons in a tile's name label. */
export function MutedIcon() {
  return (
    <span className="badge muted-icon" data-testid="muted-icon" role="img" aria-label="Microphone off" title="Microphone off">
      <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
        <path fill="currentColor" d="M19 11h-1.7c0 .74-.16 1.43-.43 2.05l1.23 1.23c.56-.98.9-2.09.9-3.28zm-4.02.17c0-.06.02-.11.02-.17V5c0-1.66-1.34-3-3-3S9 3.34 9 5v.18l5.98 5.99zM4.27 3 3 4.27l6.01 6.01V11c0 1.66 1.33 3 2.99 3 .22 0 .44-.03.65-.08l1.66 1.66c-.71.33-1.5.52-2.31.52-2.76 0-5.3-2.1-5.3-5.1H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c.91-.13 1.77-.45 2.54-.9L19.73 21 21 19.73 4.27 3z" />
      </svg>
    </span>
  );
}

export function HandIcon() {
  return (
    <span className="badge hand-icon" data-testid="hand-icon" role="img" aria-label="Hand raised" title="Hand raised">
      ✋
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
