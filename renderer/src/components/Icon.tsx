/** Line icons drawn here (no icon font, no emoji font needed). Decorative: always aria-hidden. */
const PATHS = {
  mic: 'M9 6a3 3 0 0 1 6 0v5a3 3 0 0 1-6 0z M5 11a7 7 0 0 0 14 0 M12 18v3',
  micOff: 'M9 6a3 3 0 0 1 6 0v5a3 3 0 0 1-6 0z M5 11a7 7 0 0 0 14 0 M12 18v3 M4 4l16 16',
  camera: 'M3 9a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z M15 11l6-3v8l-6-3',
  cameraOff: 'M3 9a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z M15 11l6-3v8l-6-3 M3 3l18 18',
  screen: 'M3 6a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z M8 20h8 M12 16v4',
  hand: 'M8 13V6a1.5 1.5 0 0 1 3 0v5 M11 11V4.5a1.5 1.5 0 0 1 3 0V11 M14 11V6a1.5 1.5 0 0 1 3 0v6 M17 10a1.5 1.5 0 0 1 3 0v4a7 7 0 0 1-7 7h-1a6 6 0 0 1-5-2.7l-3-4.6a1.5 1.5 0 0 1 2.4-1.7L8 14',
  smile: 'M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0 M8 14.5a4.5 4.5 0 0 0 8 0 M9 9.5v.5 M15 9.5v.5',
  chat: 'M4 5h16v11H9l-5 4z',
  people: 'M6 8a3 3 0 1 0 6 0a3 3 0 1 0-6 0 M3 20a6 6 0 0 1 12 0 M15 9a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0 M16 14a5 5 0 0 1 5 6',
  speaker: 'M3 4h18v11H3z M3 18h5v2H3z M10 18h4v2h-4z M16 18h5v2h-5z',
  link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1 M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  gear: 'M7 12a5 5 0 1 0 10 0a5 5 0 1 0-10 0 M12 2v3 M12 19v3 M2 12h3 M19 12h3 M4.9 4.9 7 7 M17 17l2.1 2.1 M4.9 19.1 7 17 M17 7l2.1-2.1',
  leave: 'M3 15c5-4.5 13-4.5 18 0l-2 3-4-1v-3a11 11 0 0 0-6 0v3l-4 1z',
  close: 'M6 6l12 12 M18 6 6 18',
  pin: 'M9 4h6 M10 4v6l-3 4h10l-3-4V4 M12 14v7',
  record: 'M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0 M9 12a3 3 0 1 0 6 0a3 3 0 1 0-6 0',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round">
      <path d={PATHS[name]} />
    </svg>
  );
}
