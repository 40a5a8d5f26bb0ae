/**
 * The pre-join preview's camera and mic, handed to the meeting instead of closed and opened
 * again: a real camera takes up to a second to reopen (and its light blinks), and opening devices
 * while the join connects competes with it for the CPU.
 */

/** Held for the meeting this long at most; closed if it has not taken them by then. */
const HOLD_MS = 15_000;

let current: MediaStream | undefined;
let holdTimer: ReturnType<typeof setTimeout> | undefined;
const taken = new WeakSet<MediaStream>();

function close(stream: MediaStream): void {
  stream.getTracks().forEach((track) => track.stop());
}

/** A preview opened its devices. A preview still held for a meeting that never took it closes. */
export function registerPreview(stream: MediaStream): void {
  if (current && current !== stream && holdTimer !== undefined) close(current);
  clearTimeout(holdTimer);
  holdTimer = undefined;
  current = stream;
}

/** The preview goes away: its devices close, unless the meeting took them or is about to. */
export function releasePreview(stream: MediaStream): void {
  if (taken.has(stream)) return;
  if (stream === current && holdTimer !== undefined) return;
  if (stream === current) current = undefined;
  close(stream);
}

/** The user joins: keep the current preview's devices open for the meeting, for a while. */
export function holdPreviewForMeeting(): void {
  const held = current;
  if (!held || taken.has(held) || holdTimer !== undefined) return;
  holdTimer = setTimeout(() => {
    holdTimer = undefined;
    if (current !== held) return;
    current = undefined;
    close(held);
  }, HOLD_MS);
}

/** The preview's live tracks, from now on the caller's to stop; none without a preview. */
export function takePreviewTracks(): MediaStreamTrack[] {
  const stream = current;
  clearTimeout(holdTimer);
  holdTimer = undefined;
  current = undefined;
  if (!stream) return [];
  taken.add(stream);
  return stream.getTracks().filter((track) => track.readyState === 'live');
}
