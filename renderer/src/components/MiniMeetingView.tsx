import { useEffect, useState } from 'react';
import type { DesktopShell, MeetingState } from '../platform/Platform';

/**
 * The always-on-top mini window shown while sharing the screen (desktop only): who is speaking and
 * the controls that matter while presenting. The meeting itself runs in the main window; these
 * buttons act on it through the main process.
 */
export function MiniMeetingView({ desktop }: { desktop: DesktopShell }) {
  const [state, setState] = useState<MeetingState | undefined>();
  useEffect(() => desktop.onMeetingChanged(setState), [desktop]);
  const act = (command: Parameters<DesktopShell['act']>[0]) => void desktop.act(command).catch(() => undefined);
  return (
    <main className="mini-meeting" aria-label="Meeting controls">
      <p data-testid="mini-speaker">{state?.activeSpeaker ? `${state.activeSpeaker} is speaking` : state?.roomId ?? 'Sharing your screen'}</p>
      <div className="actions">
        <button type="button" onClick={() => act('toggleMute')} disabled={!state}>
          {state?.muted ? 'Unmute' : 'Mute'}
        </button>
        <button type="button" onClick={() => act('stopSharing')} disabled={!state}>
          Stop sharing
        </button>
        <button type="button" onClick={() => act('show')}>
          Show meeting
        </button>
        <button type="button" className="danger" onClick={() => act('leave')} disabled={!state}>
          Leave
        </button>
      </div>
    </main>
  );
}
