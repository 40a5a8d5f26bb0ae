/**
 * Tracks made from a device track (noise-suppressed audio, a blurred camera) are handed to the
 * SDK like any track. The SDK stops a track when it is done with it (leave, device switch), so
 * stopping the made track must release what made it: its source track and its processing.
 */
const sources = new WeakMap<MediaStreamTrack, MediaStreamTrack>();

export function processedTrack(output: MediaStreamTrack, source: MediaStreamTrack, release: () => void): MediaStreamTrack {
  const stopOutput = output.stop.bind(output);
  let released = false;
  const releaseOnce = () => {
    if (released) return;
    released = true;
    release();
    source.stop();
  };
  output.stop = () => {
    stopOutput();
    releaseOnce();
  };
  // The device went away (unplugged): the made track ends too, so the app hears about it.
  source.addEventListener('ended', () => {
    if (output.readyState === 'ended') return;
    stopOutput();
    releaseOnce();
    output.dispatchEvent(new Event('ended'));
  });
  sources.set(output, source);
  return output;
}

/** The device track a processed track was made from (the track itself when it is a device track). */
export function sourceOf(track: MediaStreamTrack): MediaStreamTrack {
  return sources.get(track) ?? track;
}
