import type { Conference } from '../conference';
import { MediaView } from './MediaView';

/**
 * Everyone's audio, outside the tiles: changing the layout or hiding a tile never interrupts
 * what people hear.
 */
export function RemoteAudio({ conference, sinkId }: { conference: Conference; sinkId?: string }) {
  const streams = [...conference.participants.values()].flatMap((participant) =>
    [...participant.streams.entries()].filter(([, remote]) => remote.consumer.kind === 'audio').map(([consumerId, remote]) => ({ consumerId, stream: remote.stream })),
  );
  return (
    <div className="remote-audio" hidden>
      {streams.map(({ consumerId, stream }) => (
        <MediaView key={consumerId} kind="audio" stream={stream} sinkId={sinkId} />
      ))}
    </div>
  );
}
