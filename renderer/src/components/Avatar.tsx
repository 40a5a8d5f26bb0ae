export function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => [...part][0]!.toUpperCase())
    .join('');
  return letters || '?';
}

/** A stable, pleasant background colour per name. */
function hue(name: string): number {
  let h = 0;
  for (const char of name) h = (h * 31 + char.codePointAt(0)!) % 360;
  return h;
}

/** Shown instead of video when the camera is off. */
export function Avatar({ name }: { name: string }) {
  return (
    <div className="avatar" data-testid="avatar" role="img" aria-label={`${name}: camera off`}>
      <span className="avatar-circle" style={{ background: `hsl(${hue(name)} 45% 38%)` }}>
        {initials(name)}
      </span>
    </div>
  );
}
