import { useEffect, useRef } from 'react';
import { adaptVideo, type Conference } from '../conference';
import { MediaView } from './MediaView';

interface RemoteVideoProps {
  conference: Conference;
  consumerId: string;
  stream: MediaStream;
  className?: string;
  label?: string;
}

/**
 * A remote video that receives only what it shows: the simulcast layer that fits its size, and
 * nothing while it is off screen (adaptive receive).
 */
export function RemoteVideo({ conference, consumerId, stream, className, label }: RemoteVideoProps) {
  const ref = useRef<HTMLVideoElement | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined' || typeof IntersectionObserver === 'undefined') return;
    // An earlier view of this stream may have paused it (hidden tile); this one starts from "receiving".
    const remote = [...conference.participants.values()].map((p) => p.streams.get(consumerId)).find(Boolean);
    if (remote?.consumer.paused && !remote.consumer.closed) void conference.setConsumerPaused(consumerId, false).catch(() => undefined);
    return adaptVideo(conference, consumerId, element);
  }, [conference, consumerId]);
  return <MediaView kind="video" stream={stream} muted className={className} elementRef={ref} label={label} />;
}
