import { useEffect, useState, type FormEvent } from 'react';
import { limits } from '../../../shared/limits';
import type { Notice } from '../hooks/useNotices';
import { useDiscoveredMeetings, useHosting } from '../hooks/usePlatform';
import { E2eeSession, generateMeetingKey } from '../e2ee';
import { parseJoinInput, takeMeetingKey, takeOwnerKey } from '../joinLink';
import { warmUp, warmUpMeeting } from '../warmConference';
import { effectsFromPreferences, type EffectSettings } from '../media/effects';
import type { DiscoveredMeeting, HostingInfo, Platform, Preferences } from '../platform';
import { DevicePreview } from './DevicePreview';
import { E2eeLobbyFields, type E2eeChoice } from './E2eeLobbyFields';
import { HostMeetingPanel } from './HostMeetingPanel';
import { LanMeetings } from './LanMeetings';
import type { JoinRequest } from './Meeting';
import type { DeviceKind } from './SettingsDialog';

export type { JoinRequest } from './Meeting';

/** How long the meeting field must stay unchanged before its transports are prepared (one per typed name would waste them). */
const WARM_MEETING_DELAY_MS = 300;

interface LobbyProps {
  platform: Platform;
  preferences: Preferences;
  notice?: Notice;
  /** A meeting link opened from outside (deep link), to pre-fill. */
  openedLink?: string;
  onDevicesChange(kind: DeviceKind, deviceId: string): void;
  onEffectsChange?(change: Partial<EffectSettings>): void;
  onJoin(request: JoinRequest): void;
}

function randomRoomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `meeting-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Before the meeting: your name, the meeting (code or link), the camera preview and device
 * choice; in the desktop app also "Host a meeting" and meetings found on the LAN.
 * Pre-filled from `?room=`, `?name=` (and `?fp=`).
 */
export function Lobby({ platform, preferences, notice, openedLink, onDevicesChange, onEffectsChange, onJoin }: LobbyProps) {
  const [params] = useState(() => new URLSearchParams(window.location.search));
  const [ownerKey] = useState(() => takeOwnerKey());
  const [displayName, setDisplayName] = useState(params.get('name') ?? preferences.displayName);
  const [room, setRoom] = useState(params.get('room') ?? '');
  const [passcode, setPasscode] = useState('');
  const [e2ee, setE2ee] = useState<E2eeChoice>(() => {
    const key = takeMeetingKey();
    return { enabled: key !== undefined, key: key ?? '' };
  });
  const [error, setError] = useState<string | undefined>();
  const hosting = useHosting(platform);
  const [waitingRoom, setWaitingRoom] = useState(preferences.waitingRoom ?? false);
  const changeWaitingRoom = (enabled: boolean) => {
    setWaitingRoom(enabled);
    platform.savePreferences({ waitingRoom: enabled }).catch((failure: unknown) => setError(`Could not save the waiting room setting: ${(failure as Error).message}`));
  };
  const lanMeetings = useDiscoveredMeetings(platform);

  useEffect(() => {
    if (openedLink) setRoom(openedLink);
  }, [openedLink]);

  // Connect to this page's own host while the user picks devices: Join then costs one request.
  useEffect(() => {
    const url = platform.defaultHostUrl();
    if (url) warmUp(url);
  }, [platform]);

  // And connect the media transports of the meeting named here, once the name has settled, so the
  // first remote frame after Join waits for no handshake. Not for end-to-end encrypted meetings.
  const [readyRoom, setReadyRoom] = useState<string | undefined>();
  useEffect(() => {
    const url = platform.defaultHostUrl();
    const target = parseJoinInput(room);
    if (!url || !target || (target.hostUrl && target.hostUrl !== url) || target.meetingKey || e2ee.enabled) return;
    let current = true;
    const timer = setTimeout(() => void warmUpMeeting(url, target.roomId).then((ready) => current && setReadyRoom(ready ? target.roomId : undefined)), WARM_MEETING_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [platform, room, e2ee.enabled]);

  const requireName = (): string | undefined => {
    const name = displayName.trim();
    if (!name) setError('Enter your name first.');
    return name || undefined;
  };

  /** The meeting's encryption: the pasted link's key, the typed one, or a new one; false when it cannot run here. */
  const encryption = (roomId: string, linkKey?: string): { session?: E2eeSession } | false => {
    const key = linkKey ?? (e2ee.enabled ? e2ee.key.trim() || generateMeetingKey() : undefined);
    if (!key) return {};
    try {
      return { session: new E2eeSession(key, roomId) };
    } catch (failure) {
      setError((failure as Error).message);
      return false;
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = requireName();
    if (!name) return;
    const target = parseJoinInput(room);
    if (!target) return setError('Enter a room code (letters, digits, - _ .) or a meeting link.');
    const hostUrl = target.hostUrl ?? platform.defaultHostUrl();
    if (!hostUrl) return setError('Paste the meeting link you were sent (a room code alone only works for meetings hosted here).');
    setError(undefined);
    const encrypted = encryption(target.roomId, target.meetingKey);
    if (!encrypted) return;
    onJoin({ hostUrl, roomId: target.roomId, displayName: name, passcode: passcode || undefined, ownerKey, fingerprint: target.fingerprint ?? params.get('fp') ?? undefined, e2ee: encrypted.session });
  };

  const joinHosted = (info: HostingInfo, name: string) => {
    const encrypted = encryption(info.roomId);
    if (encrypted) onJoin({ hostUrl: info.baseUrl, roomId: info.roomId, displayName: name, ownerKey: info.ownerKey, fingerprint: info.fingerprint, hosting: info, e2ee: encrypted.session });
  };

  const host = async () => {
    const name = requireName();
    if (!name) return;
    const code = parseJoinInput(room);
    const roomId = code && !code.hostUrl ? code.roomId : randomRoomId();
    try {
      setError(undefined);
      joinHosted(await hosting.start(roomId), name);
    } catch (failure) {
      setError(`Could not start hosting: ${(failure as Error).message}`);
    }
  };

  const stopHosting = async () => {
    try {
      setError(undefined);
      await hosting.stop();
    } catch (failure) {
      setError(`The meeting is still running: ${(failure as Error).message}`);
    }
  };

  const pickLan = (meeting: DiscoveredMeeting) => {
    const name = requireName();
    if (!name) return;
    const target = parseJoinInput(meeting.url);
    let hostUrl = target?.hostUrl;
    if (!hostUrl) {
      try {
        hostUrl = new URL(meeting.url).origin;
      } catch {
        return setError(`“${meeting.name}” sent a link that cannot be opened.`);
      }
    }
    setError(undefined);
    const encrypted = encryption(meeting.roomId, target?.meetingKey);
    if (encrypted) onJoin({ hostUrl, roomId: meeting.roomId, displayName: name, passcode: passcode || undefined, fingerprint: meeting.fingerprint ?? target?.fingerprint, e2ee: encrypted.session });
  };

  return (
    <main className="lobby">
      <h1>Roundtable</h1>
      {notice && (
        <p role={notice.kind} className={notice.kind === 'alert' ? 'error banner' : 'notice banner'}>
          {notice.text}
        </p>
      )}
      <div className="lobby-columns">
        <DevicePreview devices={preferences} onChange={onDevicesChange} effects={effectsFromPreferences(preferences)} onEffectsChange={(change) => onEffectsChange?.(change)} />
        <div className="lobby-side">
          <form onSubmit={submit} className="join-form" aria-label="Join a meeting" data-ready-room={readyRoom}>
            <label>
              Your name
              <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={limits.maxDisplayNameLength} autoComplete="name" required />
            </label>
            <label>
              Room code or meeting link
              <input value={room} onChange={(e) => setRoom(e.target.value)} placeholder="e.g. standup" required />
            </label>
            <label>
              Passcode (if the host set one)
              <input value={passcode} onChange={(e) => setPasscode(e.target.value)} type="password" autoComplete="off" maxLength={limits.maxPasscodeLength} />
            </label>
            <E2eeLobbyFields choice={e2ee} onChange={setE2ee} />
            {error && (
              <p role="alert" className="error">
                {error}
              </p>
            )}
            <button type="submit" className="primary">
              Join
            </button>
          </form>
          {platform.hosting && (
            <HostMeetingPanel hosting={hosting.info} waitingRoom={waitingRoom} onWaitingRoomChange={changeWaitingRoom} onHost={host} onStop={stopHosting} onReturn={(info) => requireName() && joinHosted(info, displayName.trim())} />
          )}
          {platform.discovery && <LanMeetings meetings={lanMeetings} onPick={pickLan} />}
        </div>
      </div>
    </main>
  );
}
