import { useCameraPreview } from '../hooks/useCameraPreview';
import { texts } from '../messages';
import { MediaView } from './MediaView';

interface WaitingScreenProps {
  roomId: string;
  cameraId?: string;
  microphoneId?: string;
  onLeave(): void;
}

/** In the waiting room: nothing of the meeting, only your own preview until the host lets you in. */
export function WaitingScreen({ roomId, cameraId, microphoneId, onLeave }: WaitingScreenProps) {
  const preview = useCameraPreview(true, cameraId, microphoneId);
  const hasVideo = Boolean(preview.stream?.getVideoTracks().length);
  return (
    <main className="waiting-screen" data-testid="waiting-screen">
      <h1>{roomId}</h1>
      <p role="status" className="waiting-message">
        {texts.waitingForHost}
      </p>
      <div className="preview-frame" data-testid="camera-preview">
        {hasVideo ? <MediaView kind="video" stream={preview.stream} muted className="mirror" label="Camera preview" /> : <p className="preview-off">{preview.starting ? 'Starting camera…' : 'Camera preview off'}</p>}
      </div>
      {preview.error && <p className="error">{preview.error}</p>}
      <div className="actions">
        <button type="button" className="leave" onClick={onLeave}>
          Leave
        </button>
      </div>
    </main>
  );
}
