import { useEffect, useRef, type Ref } from 'react';

type MediaElement = HTMLVideoElement & HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

interface MediaViewProps {
  stream?: MediaStream;
  kind: 'video' | 'audio';
  muted?: boolean;
  className?: string;
  /** Audio output device (HTMLMediaElement.setSinkId), where the browser supports choosing it. */
  sinkId?: string;
  /** Receives the element, e.g. for adaptive receive. */
  elementRef?: Ref<HTMLVideoElement | null>;
  label?: string;
}

/** A <video> or <audio> bound to a MediaStream. */
export function MediaView({ stream, kind, muted = false, className, sinkId, elementRef, label }: MediaViewProps) {
  const ref = useRef<MediaElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.srcObject = stream ?? null;
    if (stream) void element.play?.()?.catch(() => undefined);
  }, [stream]);
  useEffect(() => {
    const element = ref.current;
    if (!element || sinkId === undefined || typeof element.setSinkId !== 'function') return;
    void element.setSinkId(sinkId).catch(() => undefined);
  }, [sinkId]);
  const setRef = (element: MediaElement | null) => {
    ref.current = element;
    if (typeof elementRef === 'function') elementRef(element);
    else if (elementRef) (elementRef as { current: HTMLVideoElement | null }).current = element;
  };
  return kind === 'video' ? (
    <video ref={setRef} autoPlay playsInline muted={muted} className={className} aria-label={label} />
  ) : (
    <audio ref={setRef} autoPlay />
  );
}
