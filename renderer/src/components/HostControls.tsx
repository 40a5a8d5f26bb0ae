import { useState, type FormEvent } from 'react';
import { limits } from '../../../shared/limits';
import type { Conference } from '../conference';
import type { Notice } from '../hooks/useNotices';
import { useWaitingRoom } from '../hooks/useWaitingRoom';
import { describeError, texts } from '../messages';

/** Meeting-wide controls for the host: lock, waiting room, and a passcode for people who join later. */
export function HostControls({ conference, report }: { conference: Conference; report(notice: Notice): void }) {
  const [passcode, setPasscode] = useState('');
  const [hasPasscode, setHasPasscode] = useState(false);
  const locked = conference.locked;
  const waitingRoom = useWaitingRoom(conference).enabled;

  const apply = async (action: () => Promise<void>, done: string) => {
    try {
      await action();
      report({ kind: 'status', text: done });
      return true;
    } catch (error) {
      report({ kind: 'alert', text: describeError(error) });
      return false;
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = passcode.trim();
    if (!value) return;
    if (await apply(() => conference.setPasscode(value), 'Passcode set: people joining from now on need it.')) {
      setHasPasscode(true);
      setPasscode('');
    }
  };

  return (
    <section className="host-controls" aria-label="Host controls">
      <button type="button" aria-pressed={locked} onClick={() => void apply(() => conference.setLocked(!locked), locked ? 'Meeting unlocked.' : 'Meeting locked.')}>
        {locked ? 'Unlock meeting' : 'Lock meeting'}
      </button>
      <button type="button" aria-pressed={waitingRoom} onClick={() => void apply(() => conference.waitingRoom.setEnabled(!waitingRoom), texts.waitingRoom(!waitingRoom))}>
        {waitingRoom ? 'Turn off waiting room' : 'Turn on waiting room'}
      </button>
      <button
        type="button"
        aria-pressed={conference.recordingAllowed}
        onClick={() => void apply(() => conference.allowRecording(!conference.recordingAllowed), conference.recordingAllowed ? 'Only you can record now.' : 'Everyone may record this meeting now.')}
      >
        {conference.recordingAllowed ? 'Only I may record' : 'Let everyone record'}
      </button>
      <form onSubmit={(event) => void submit(event)} className="passcode-form">
        <label htmlFor="host-passcode">Meeting passcode</label>
        <input id="host-passcode" type="password" autoComplete="off" value={passcode} maxLength={limits.maxPasscodeLength} onChange={(e) => setPasscode(e.target.value)} />
        <button type="submit" disabled={!passcode.trim()}>
          Set passcode
        </button>
        {hasPasscode && (
          <button type="button" onClick={() => void apply(() => conference.setPasscode(null), 'Passcode removed.').then((ok) => ok && setHasPasscode(false))}>
            Remove passcode
          </button>
        )}
      </form>
    </section>
  );
}
