import type { Conference } from '../conference';
import type { WaitingRoomView } from '../hooks/useWaitingRoom';
import type { Notice } from '../hooks/useNotices';
import { describeError } from '../messages';

interface WaitingRoomPanelProps {
  conference: Conference;
  view: WaitingRoomView;
  report(notice: Notice): void;
}

/** For the host: who is waiting to be let in, with Admit / Deny each and Admit all. */
export function WaitingRoomPanel({ conference, view, report }: WaitingRoomPanelProps) {
  const controls = conference.waitingRoom;
  const run = (action: Promise<unknown>, done: string) =>
    void action.then(
      () => report({ kind: 'status', text: done }),
      (error: unknown) => report({ kind: 'alert', text: describeError(error) }),
    );
  const count = view.entries.length;
  return (
    <section className="waiting-room-panel" aria-label="Waiting to join" data-testid="waiting-list" data-knocks={view.knocks}>
      <header className="panel-header">
        <h2>
          Waiting to join{' '}
          <span className="count-badge" data-testid="waiting-count" aria-label={`${count} waiting`}>
            {count}
          </span>
        </h2>
        <button type="button" className="primary" onClick={() => run(controls.admitAll(), count === 1 ? 'Let 1 person in.' : `Let ${count} people in.`)}>
          Admit all
        </button>
      </header>
      <ul>
        {view.entries.map((entry) => (
          <li key={entry.id} data-waiting-name={entry.displayName}>
            <bdi className="name">{entry.displayName}</bdi>
            <span className="row-actions">
              <button type="button" className="primary" aria-label={`Admit ${entry.displayName}`} onClick={() => run(controls.admit(entry.id), `${entry.displayName} was let in.`)}>
                Admit
              </button>
              <button type="button" className="danger" aria-label={`Deny ${entry.displayName}`} onClick={() => run(controls.deny(entry.id), `${entry.displayName} was not let in.`)}>
                Deny
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
