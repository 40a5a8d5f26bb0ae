import type { types } from 'mediasoup-client';

/** Longest the send side waits for the receive side (then it starts anyway). */
export const FIRST_MEDIA_WAIT_MS = 1_500;
const POLL_MS = 20;

/**
 * Resolves once the join's remote media is flowing: the receive transport is connected and a
 * frame of each remote video has arrived (its track is no longer muted), or after
 * `maxWaitMs`. Resolves at once when there was nothing to receive.
 *
 * Why: on a busy machine, starting the camera, its encoder and 3-layer simulcast while the receive
 * transport does its DTLS handshake and decodes its first keyframe delayed the first remote frame
 * by hundreds of ms. The send side now starts right after the receive side has what it needs.
 */
export function firstMediaArrived(transport: types.Transport, consumers: types.Consumer[], maxWaitMs = FIRST_MEDIA_WAIT_MS): Promise<void> {
  if (consumers.length === 0) return Promise.resolve();
  const videos = consumers.filter((consumer) => consumer.kind === 'video');
  const arrived = () => {
    if (transport.closed) return true;
    if (transport.connectionState !== 'connected') return false;
    // A remote track is muted until its first packets arrive. Read as a property: polling
    // getSynchronizationSources() here blocked the main thread on WebRTC's busy worker thread
    // (86 ms of the first second of a join in a CPU profile). Node WebRTC (no such API on its
    // receivers) is not judged by its track: there the connected transport is the best sign.
    return videos.every((consumer) => consumer.closed || !consumer.track.muted || !consumer.rtpReceiver || typeof consumer.rtpReceiver.getSynchronizationSources !== 'function');
  };
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const check = () => {
      if (arrived() || Date.now() - startedAt >= maxWaitMs) resolve();
      else setTimeout(check, POLL_MS);
    };
    check();
  });
}
