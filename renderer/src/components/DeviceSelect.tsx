interface DeviceSelectProps {
  label: string;
  devices: MediaDeviceInfo[];
  value?: string;
  onChange(deviceId: string): void;
}

/** One device list (camera, microphone or speaker). The system default is used until one is chosen. */
export function DeviceSelect({ label, devices, value, onChange }: DeviceSelectProps) {
  const known = devices.some((d) => d.deviceId === value);
  return (
    <label className="device-select">
      {label}
      <select value={known ? value : ''} onChange={(e) => onChange(e.target.value)} disabled={devices.length === 0}>
        {!known && <option value="">{devices.length ? 'System default' : 'None found'}</option>}
        {devices.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || `${label} ${index + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
