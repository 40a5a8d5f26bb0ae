import { useState } from 'react';
import { useCameraPreview } from '../hooks/useCameraPreview';
import { useEffectPreview } from '../hooks/useEffectPreview';
import type { EffectSettings } from '../media/effects';
import { EffectsSettings } from './EffectsSettings';
import { canChooseSpeaker, useMediaDevices } from '../hooks/useMediaDevices';
import type { Preferences } from '../platform';
import { DeviceSelect } from './DeviceSelect';
import { MediaView } from './MediaView';
import type { DeviceKind } from './SettingsDialog';

interface DevicePreviewProps {
  devices: Pick<Preferences, DeviceKind>;
  onChange(kind: DeviceKind, deviceId: string): void;
  effects: EffectSettings;
  onEffectsChange(change: Partial<EffectSettings>): void;
}

/** Pre-join: see yourself, and pick the camera, microphone and speaker the meeting will use. */
export function DevicePreview({ devices, onChange, effects, onEffectsChange }: DevicePreviewProps) {
  const [previewOn, setPreviewOn] = useState(true);
  const lists = useMediaDevices();
  // Device names are only listed once access is granted: refresh the lists when the preview opens.
  const preview = useCameraPreview(previewOn, devices.cameraId, devices.microphoneId, lists.refresh);
  const hasVideo = Boolean(preview.stream?.getVideoTracks().length);
  const shown = useEffectPreview(previewOn ? preview.stream : undefined, effects);

  return (
    <section className="device-preview" aria-label="Camera and microphone">
      <div className="preview-frame" data-testid="camera-preview">
        {previewOn && hasVideo ? <MediaView kind="video" stream={shown.stream} muted className="mirror" label="Camera preview" /> : <p className="preview-off">{preview.starting ? 'Starting camera…' : 'Camera preview off'}</p>}
      </div>
      {preview.error && (
        <p role="alert" className="error" data-testid="preview-error">
          {preview.error}
        </p>
      )}
      {shown.problem && (
        <p role="alert" className="error">
          {shown.problem}
        </p>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={previewOn} onChange={(e) => setPreviewOn(e.target.checked)} />
        Preview my camera
      </label>
      <DeviceSelect label="Camera" devices={lists.cameras} value={devices.cameraId} onChange={(id) => onChange('cameraId', id)} />
      <DeviceSelect label="Microphone" devices={lists.microphones} value={devices.microphoneId} onChange={(id) => onChange('microphoneId', id)} />
      {canChooseSpeaker() && lists.speakers.length > 0 && (
        <DeviceSelect label="Speaker" devices={lists.speakers} value={devices.speakerId} onChange={(id) => onChange('speakerId', id)} />
      )}
      <EffectsSettings effects={effects} onChange={onEffectsChange} />
    </section>
  );
}
