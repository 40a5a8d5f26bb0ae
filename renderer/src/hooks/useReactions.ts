import { useEffect, useState } from 'react';
import type { Conference } from '../conference';

export interface ShownReaction {
  key: number;
  emoji: string;
}

const SHOW_MS = 4_000;
let nextKey = 1;

/** Reactions currently floating, per participant id (the local one included: the host echoes ours). */
export function useReactions(conference: Conference): Map<string, ShownReaction[]> {
  const [shown, setShown] = useState<Map<string, ShownReaction[]>>(() => new Map());
  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const onReaction = ({ participantId, reaction }: { participantId: string; reaction: string }) => {
      const item = { key: nextKey++, emoji: reaction };
      setShown((old) => new Map(old).set(participantId, [...(old.get(participantId) ?? []), item].slice(-5)));
      const timer = setTimeout(() => {
        timers.delete(timer);
        setShown((old) => {
          const rest = (old.get(participantId) ?? []).filter((r) => r.key !== item.key);
          const next = new Map(old);
          if (rest.length) next.set(participantId, rest);
          else next.delete(participantId);
          return next;
        });
      }, SHOW_MS);
      timers.add(timer);
    };
    conference.on('reaction', onReaction);
    return () => {
      conference.off('reaction', onReaction);
      for (const timer of timers) clearTimeout(timer);
    };
  }, [conference]);
  return shown;
}
