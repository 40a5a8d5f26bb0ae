import { Icon } from './Icon';
import { useEffect, useRef, type ReactNode } from 'react';

/** The right-hand panel (chat or participants): a labelled region with a close button. */
export function SidePanel({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <aside
      ref={ref}
      id="side-panel"
      className="side-panel"
      role="region"
      aria-label={title}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <header className="panel-header">
        <h2>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close panel" onClick={onClose}>
          <Icon name="close" size={16} />
        </button>
      </header>
      {children}
    </aside>
  );
}
