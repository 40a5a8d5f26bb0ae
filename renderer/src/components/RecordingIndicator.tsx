/** Shown to everyone in the meeting while anyone (or you) records it. */
export function RecordingIndicator({ self, others }: { self: boolean; others: string[] }) {
  if (!self && others.length === 0) return null;
  const who = [...(self ? ['you'] : []), ...others].join(', ');
  return (
    <span className="pill recording-indicator" data-testid="recording-indicator" role="status" title={`Recorded by ${who}`}>
      <span className="recording-dot" aria-hidden="true" />
      Recording <span className="visually-hidden">by {who}</span>
    </span>
  );
}
