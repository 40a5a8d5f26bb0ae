import { useEffect, useReducer } from 'react';
import type { E2eeSession } from './E2eeSession';

/** Re-renders when the session's code or a participant's "cannot decrypt" state changes. */
export function useE2eeSession(session: E2eeSession | undefined): void {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!session) return;
    session.on('change', rerender);
    rerender();
    return () => void session.off('change', rerender);
  }, [session]);
}
