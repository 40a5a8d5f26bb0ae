import { useCallback, useEffect, useState } from 'react';
import type { HostIdentityChange } from '../../shared/ipc';
import { HostIdentityChangedDialog } from './components/HostIdentityChangedDialog';
import { Lobby } from './components/Lobby';
import { Meeting, type JoinRequest } from './components/Meeting';
import { startJoin } from './warmConference';
import { MiniMeetingView } from './components/MiniMeetingView';
import { UpdateBanner } from './components/UpdateBanner';
import { ScreenPickerDialog } from './components/ScreenPickerDialog';
import type { DeviceKind } from './components/SettingsDialog';
import type { Notice } from './hooks/useNotices';
import { useScreenPickerRequest } from './hooks/usePlatform';
import { effectsToPreferences, type EffectSettings } from './media/effects';
import type { Platform, Preferences } from './platform';
import { hostIdentityChange } from './platform/electron';

interface AppProps {
  platform: Platform;
}

/** The app window; in the desktop app's mini window (shown while sharing), only its controls. */
export function App({ platform }: AppProps) {
  if (platform.desktop && window.location.hash === '#mini') return <MiniMeetingView desktop={platform.desktop} />;
  return <MainWindow platform={platform} />;
}

/** Lobby until the user joins; the meeting until they leave (or are removed). */
function MainWindow({ platform }: AppProps) {
  const [preferences, setPreferences] = useState<Preferences | undefined>();
  const [joinRequest, setJoinRequest] = useState<JoinRequest | undefined>();
  const [notice, setNotice] = useState<Notice | undefined>();
  const [openedLink, setOpenedLink] = useState<string | undefined>();
  const [identityChange, setIdentityChange] = useState<{ request: JoinRequest; change: HostIdentityChange } | undefined>();
  const picker = useScreenPickerRequest(platform);

  useEffect(() => {
    let cancelled = false;
    platform.loadPreferences().then(
      (loaded) => !cancelled && setPreferences(loaded),
      (error: unknown) => {
        if (cancelled) return;
        setPreferences({ displayName: '' });
        setNotice({ kind: 'alert', text: `Your settings could not be loaded (${(error as Error).message}); using defaults.` });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [platform]);

  useEffect(() => platform.onOpenLink?.((url) => setOpenedLink(url)), [platform]);

  const join = useCallback(
    async (request: JoinRequest) => {
      setNotice(undefined);
      setPreferences((old) => old && { ...old, displayName: request.displayName });
      void platform.savePreferences({ displayName: request.displayName }).catch(() => undefined);
      if (!request.hosting && platform.verifyHostForJoin) {
        try {
          await platform.verifyHostForJoin(request.hostUrl, request.fingerprint);
        } catch (error) {
          const change = hostIdentityChange(error);
          if (change) setIdentityChange({ request, change });
          else setNotice({ kind: 'alert', text: `The meeting host could not be verified: ${(error as Error).message}` });
          return;
        }
      }
      startJoin(request); // the join request leaves now, while the meeting view renders
      setJoinRequest(request);
    },
    [platform],
  );

  const leave = useCallback((message?: Notice) => {
    setJoinRequest(undefined);
    setNotice(message);
  }, []);

  const changeDevice = useCallback(
    (kind: DeviceKind, deviceId: string) => {
      setPreferences((old) => old && { ...old, [kind]: deviceId });
      void platform.savePreferences({ [kind]: deviceId }).catch(() => undefined);
    },
    [platform],
  );

  /** Noise suppression and background, from the lobby or the meeting: remembered for next time. */
  const changeEffects = useCallback(
    (change: Partial<EffectSettings>) => {
      const patch = effectsToPreferences(change);
      setPreferences((old) => old && { ...old, ...patch });
      return platform.savePreferences(patch);
    },
    [platform],
  );

  if (!preferences) return null;
  return (
    <>
      {!joinRequest && platform.desktop && <UpdateBanner desktop={platform.desktop} />}
      {joinRequest ? (
        <Meeting platform={platform} request={joinRequest} preferences={preferences} onLeave={leave} onEffectsChange={changeEffects} />
      ) : (
        <Lobby platform={platform} preferences={preferences} notice={notice} openedLink={openedLink} onDevicesChange={changeDevice} onEffectsChange={(change) => void changeEffects(change).catch(() => undefined)} onJoin={(r) => void join(r)} />
      )}
      {identityChange && platform.replaceHostPin && (
        <HostIdentityChangedDialog
          change={identityChange.change}
          onCancel={() => setIdentityChange(undefined)}
          onTrustNew={async () => {
            await platform.replaceHostPin!(identityChange.request.hostUrl, identityChange.change.presentedFingerprint);
            setIdentityChange(undefined);
            setJoinRequest(identityChange.request);
          }}
        />
      )}
      {picker.sources && <ScreenPickerDialog sources={picker.sources} audio={picker.audio} onChoose={(id, audio) => void picker.choose(id, audio).catch(() => undefined)} />}
    </>
  );
}
