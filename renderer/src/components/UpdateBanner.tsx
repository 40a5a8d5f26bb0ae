import { useEffect, useState } from 'react';
import type { DesktopShell, UpdateStatus } from '../platform/Platform';

/** "Restart to update", offered only when an update is downloaded and no meeting is on (desktop only). */
export function UpdateBanner({ desktop }: { desktop: DesktopShell }) {
  const [status, setStatus] = useState<UpdateStatus | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let current = true;
    desktop.updates.status().then(
      (first) => current && setStatus((seen) => seen ?? first),
      () => undefined,
    );
    const off = desktop.updates.onChanged(setStatus);
    return () => {
      current = false;
      off();
    };
  }, [desktop]);
  if (!status?.canRestart) return null;
  return (
    <div className="update-banner" role="status">
      Roundtable {status.version} is ready.{' '}
      <button type="button" onClick={() => void desktop.updates.restart().catch((failure: Error) => setError(failure.message))}>
        Restart to update
      </button>
      {error && <span className="error"> {error}</span>}
    </div>
  );
}
