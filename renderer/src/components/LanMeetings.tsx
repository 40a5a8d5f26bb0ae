import type { DiscoveredMeeting } from '../platform';

/** Meetings advertised on the local network (desktop app only). */
export function LanMeetings({ meetings, onPick }: { meetings: DiscoveredMeeting[]; onPick(meeting: DiscoveredMeeting): void }) {
  return (
    <section className="lan-meetings" aria-labelledby="lan-title">
      <h2 id="lan-title">Meetings on your network</h2>
      {meetings.length === 0 ? (
        <p className="muted">No meetings found on your network yet.</p>
      ) : (
        <ul data-testid="lan-meetings">
          {meetings.map((meeting) => (
            <li key={`${meeting.url}|${meeting.roomId}`}>
              <button type="button" className="lan-meeting" onClick={() => onPick(meeting)} data-room={meeting.roomId}>
                <span className="lan-name">{meeting.name}</span> <span className="muted">hosted by {meeting.hostName}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
