import { createBrowserPlatform } from './browser';
import { createElectronPlatform } from './electron';
import type { Platform } from './Platform';

export type { Platform, Preferences, HostingInfo, DiscoveredMeeting, RecordingFiles, ScreenSource, SystemAudio } from './Platform';

/** Picks the implementation for where the renderer runs. Tests may install their own first. */
export function detectPlatform(): Platform {
  const injected = (window as { __roundtablePlatform?: Platform }).__roundtablePlatform;
  if (injected) return injected;
  if (window.roundtable) return createElectronPlatform(window.roundtable);
  return createBrowserPlatform();
}
