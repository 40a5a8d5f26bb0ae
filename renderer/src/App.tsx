import { useCallback, useEffect, useState } from 'react';
import type { HostIdentityChange } from '../../shared/ipc';
import { HostIdentityChangedDialog } from './components/HostIdentityChangedDialog';
import { Lobby } from './components/Lobby';
import { Meeting, type JoinRequest } from './components/Meeting';
import { ScreenPickerDialog } from './components/ScreenPickerDialog';
import type { DeviceKind } from './components/SettingsDialog';
import type { Notice } from './hooks/useNotices';
import { useScreenPickerRequest } from './hooks/usePlatform';
import type { Platform, Preferences } from './platform';
import { hostIdentityChange } from './platform/electron';

interface AppProps {
  platform: Platform;
}

/** Lobby until the user joins; the meeting until they leave (or are removed). */
export function App({ platform }: AppProps) {
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

  if (!preferences) return null;
  return (
    <>
      {joinRequest ? (
        <Meeting platform={platform} request={joinRequest} preferences={preferences} onLeave={leave} />
      ) : (
        <Lobby platform={platform} preferences={preferences} notice={notice} openedLink={openedLink} onDevicesChange={changeDevice} onJoin={(r) => void join(r)} />
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
      {picker.sources && <ScreenPickerDialog sources={picker.sources} onChoose={(id, audio) => void picker.choose(id, audio).catch(() => undefined)} />}
    </>
  );
}
