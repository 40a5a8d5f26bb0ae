import { canChooseSpeaker, useMediaDevices } from '../hooks/useMediaDevices';
import type { EffectSettings } from '../media/effects';
import type { Preferences } from '../platform';
import { DeviceSelect } from './DeviceSelect';
import { Dialog } from './Dialog';
import { EffectsSettings } from './EffectsSettings';

export type DeviceKind = 'cameraId' | 'microphoneId' | 'speakerId';

interface SettingsDialogProps {
  devices: Pick<Preferences, DeviceKind>;
  onChange(kind: DeviceKind, deviceId: string): void;
  effects?: EffectSettings;
  onEffectsChange?(change: Partial<EffectSettings>): void;
  onClose(): void;
}

/** Switch camera, microphone or speaker during the meeting. */
export function SettingsDialog({ devices, onChange, effects, onEffectsChange, onClose }: SettingsDialogProps) {
  const lists = useMediaDevices();
  return (
    <Dialog title="Audio and video" onClose={onClose} testId="settings">
      <div className="stack">
        <DeviceSelect label="Camera" devices={lists.cameras} value={devices.cameraId} onChange={(id) => onChange('cameraId', id)} />
        <DeviceSelect label="Microphone" devices={lists.microphones} value={devices.microphoneId} onChange={(id) => onChange('microphoneId', id)} />
        {canChooseSpeaker() && <DeviceSelect label="Speaker" devices={lists.speakers} value={devices.speakerId} onChange={(id) => onChange('speakerId', id)} />}
        {effects && onEffectsChange && <EffectsSettings effects={effects} onChange={onEffectsChange} />}
        <div className="actions">
          <button type="button" className="primary" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
