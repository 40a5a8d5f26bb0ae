import { useCallback, useEffect, useRef, useState } from 'react';

export interface Notice {
  kind: 'status' | 'alert';
  text: string;
}

export interface ShownNotice extends Notice {
  id: number;
}

const STATUS_MS = 6_000;

/**
 * Messages for the user. Status lines (polite) fade after a few seconds; alerts stay until
 * dismissed, so a failure is never missed.
 */
export function useNotices(): { notices: ShownNotice[]; report(notice: Notice): void; dismiss(id: number): void } {
  const [notices, setNotices] = useState<ShownNotice[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending) clearTimeout(timer);
    };
  }, []);

  const dismiss = useCallback((id: number) => setNotices((old) => old.filter((n) => n.id !== id)), []);
  const report = useCallback(
    (notice: Notice) => {
      const id = nextId.current++;
      // The same text twice in a row is one message.
      setNotices((old) => [...old.filter((n) => n.text !== notice.text), { ...notice, id }].slice(-4));
      if (notice.kind === 'status') {
        const timer = setTimeout(() => {
          timers.current.delete(timer);
          dismiss(id);
        }, STATUS_MS);
        timers.current.add(timer);
      }
    },
    [dismiss],
  );
  return { notices, report, dismiss };
}
