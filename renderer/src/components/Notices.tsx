import { Icon } from './Icon';
import type { ShownNotice } from '../hooks/useNotices';

/** Messages for the user: alerts (assertive, stay until dismissed) and status lines (polite). */
export function Notices({ notices, onDismiss }: { notices: ShownNotice[]; onDismiss(id: number): void }) {
  return (
    <div className="notices">
      {notices.map((notice) => (
        <p key={notice.id} role={notice.kind} className={`notice-item ${notice.kind}`}>
          <span>{notice.text}</span>
          {notice.kind === 'alert' && (
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(notice.id)}>
              <Icon name="close" size={16} />
            </button>
          )}
        </p>
      ))}
    </div>
  );
}
