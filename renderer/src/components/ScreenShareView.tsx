import type { Conference, RemoteParticipant } from '../conference';
import { RemoteVideo } from './RemoteVideo';

/** The presentation: someone's shared screen, large. */
export function ScreenShareView({ conference, presenter }: { conference: Conference; presenter: RemoteParticipant }) {
  const entry = [...presenter.streams.entries()].find(([, s]) => s.source === 'screen');
  if (!entry) return null;
  const [consumerId, remote] = entry;
  return (
    <section className="screen-share" data-testid="screen-share" data-presenter={presenter.displayName} aria-label={`${presenter.displayName}'s screen`}>
      <RemoteVideo conference={conference} consumerId={consumerId} stream={remote.stream} className="screen-video" label={`${presenter.displayName}'s shared screen`} />
      <p className="presenter-label"><bdi>{presenter.displayName}</bdi> is presenting</p>
    </section>
  );
}

/** Whose screen to show: the latest one to start sharing wins. */
export function findPresenter(participants: RemoteParticipant[]): RemoteParticipant | undefined {
  return participants.filter((p) => p.streamFor('screen')).at(-1);
}
