import { useEffect, useState } from 'react';
import type { Conference } from '../conference';
import type { WaitingEntry } from '../../../shared/protocol';

export interface WaitingRoomView {
  enabled: boolean;
  /** Who is waiting (the host's view; empty for everyone else). */
  entries: readonly WaitingEntry[];
  /** Knocks heard in this meeting (the sound played for each). */
  knocks: number;
}

/** The waiting room as the UI shows it; with `knockSound`, plays the knock when someone new waits. */
export function useWaitingRoom(conference: Conference, knockSound = false): WaitingRoomView {
  const controls = conference.waitingRoom;
  const [view, setView] = useState<WaitingRoomView>(() => ({ enabled: controls.enabled, entries: controls.entries, knocks: 0 }));
  useEffect(() => {
    const onList = (entries: readonly WaitingEntry[]) => setView((old) => ({ ...old, entries }));
    const onEnabled = (enabled: boolean) => setView((old) => ({ ...old, enabled }));
    const onKnock = () => {
      setView((old) => ({ ...old, knocks: old.knocks + 1 }));
      if (knockSound) playKnock();
    };
    controls.on('listChanged', onList);
    controls.on('enabledChanged', onEnabled);
    controls.on('knock', onKnock);
    setView((old) => ({ ...old, enabled: controls.enabled, entries: controls.entries }));
    return () => {
      controls.off('listChanged', onList);
      controls.off('enabledChanged', onEnabled);
      controls.off('knock', onKnock);
    };
  }, [controls, knockSound]);
  return view;
}

let audio: AudioContext | undefined;

/** Two short soft tones (no sound file to ship or load); silent where Web Audio is missing or not allowed. */
function playKnock(): void {
  try {
    audio ??= new AudioContext();
    const context = audio;
    for (const [offset, frequency] of [
      [0, 660],
      [0.18, 880],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      const start = context.currentTime + offset;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.15);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.16);
    }
  } catch {
    // No sound is not worth an error: the list and its badge still show the knock.
  }
}
