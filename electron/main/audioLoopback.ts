/**
 * System audio with a screen share. Electron answers getDisplayMedia with `audio: 'loopback'`;
 * Windows supports that natively. On macOS and Linux Chromium can do it behind feature flags —
 * the same ones the `electron-audio-loopback` package sets: PulseAudio (or PipeWire's Pulse
 * server) loopback on Linux; on macOS a Core Audio tap from 14.2, ScreenCaptureKit before that
 * (12.3 or later). Elsewhere the user is told plainly that only the picture is shared.
 */
export interface LoopbackSupport {
  available: boolean;
  /** Chromium features to enable at startup (before 'ready'). */
  features: string[];
  /** Shown in the screen picker when system audio cannot be shared. */
  unavailableReason?: string;
}

/** macOS version from the Darwin kernel release (os.release()): Darwin 23.2 is macOS 14.2. */
export function macosVersion(darwinRelease: string): { major: number; minor: number } | null {
  const match = /^(\d+)\.(\d+)/.exec(darwinRelease);
  if (!match) return null;
  const darwin = Number(match[1]);
  if (darwin < 20) return null; // before Big Sur: too old to matter here
  const minor = Number(match[2]);
  // Darwin 21 and 22 ran one minor ahead (Darwin 21.4 is macOS 12.3); from Darwin 23 they match.
  return { major: darwin - 9, minor: darwin <= 22 ? Math.max(0, minor - 1) : minor };
}

export function systemAudioLoopback(platform: NodeJS.Platform, osRelease: string): LoopbackSupport {
  if (platform === 'win32') return { available: true, features: [] };
  if (platform === 'linux') return { available: true, features: ['PulseaudioLoopbackForScreenShare'] };
  if (platform === 'darwin') {
    const version = macosVersion(osRelease);
    const atLeast = (major: number, minor: number) => Boolean(version && (version.major > major || (version.major === major && version.minor >= minor)));
    if (!atLeast(12, 3)) return { available: false, features: [], unavailableReason: 'Sharing system audio needs macOS 12.3 or later; only the screen is shared.' };
    const tap = atLeast(14, 2) ? 'MacCatapSystemAudioLoopbackCapture' : 'MacSckSystemAudioLoopbackOverride';
    return { available: true, features: ['MacLoopbackAudioForScreenShare', tap] };
  }
  return { available: false, features: [], unavailableReason: 'Sharing system audio is not supported on this system; only the screen is shared.' };
}
