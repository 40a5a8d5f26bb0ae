/**
 * wrtc's native `localDescription` getter serializes, on the JavaScript thread, a description that
 * WebRTC's own threads keep changing (gathered candidates are added to it): a vitest fork died in
 * SdpSerialize reading it. Through the globals tests install, a connection answers with a copy of the
 * description it was given, the same on every read, and never calls that getter.
 */
import { expect, it } from 'vitest';
import { installWrtcGlobals } from './wrtc';

installWrtcGlobals();

it('localDescription is the description set, unchanged while candidates are gathered and after close', async () => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('audio');
  pc.addTransceiver('video');
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const first = pc.localDescription?.sdp;
  await new Promise((resolve) => setTimeout(resolve, 300)); // host candidates are gathered meanwhile
  expect(first).toBe(offer.sdp);
  expect(pc.localDescription?.sdp).toBe(first);
  expect(pc.localDescription?.type).toBe('offer');
  pc.close();
  expect(pc.localDescription?.sdp).toBe(first);
});
