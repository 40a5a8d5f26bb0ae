/**
 * Turning the camera or mic off (or on) while the SDK is still creating its producer: the moment
 * the host has made the producer, the SDK is waiting for the host's answer and has no producer yet.
 * The host's producer must follow what the user chose (closed or paused), and the others must see
 * it (camera off / on). Seen in encrypted runs of bench:files: the pages' stopped cameras and mics
 * kept live producers on the host. Real host, @roamhq/wrtc clients.
 */
import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import type { LocalStream } from '../../renderer/src/conference';
import { useTestHost } from '../support/meetingFixture';
import { waitFor } from '../support/testHost';

describe('camera and mic turned off or on while their producer is being created', () => {
  const fixture = useTestHost();

  /** Alice and Bob in a room; `during` runs on Alice's camera stream when the host has made its producer, before Alice has it. */
  async function produceWhile(during: (stream: LocalStream) => void, before?: (stream: LocalStream) => void) {
    const roomId = fixture.newRoom('camera-race');
    const alice = await fixture.joined(roomId, 'Alice');
    const bob = await fixture.joined(roomId, 'Bob');
    const peer = fixture.host.rooms.get(roomId)!.peers.get(alice.peerId!)!;
    const camera = () => [...alice.localStreams].find((stream) => stream.source === 'camera')!;
    peer.sendTransport.observer.once('newproducer', () => during(camera()));
    const producing = alice.produceTrack(fixture.media().video, 'camera');
    before?.(camera());
    await producing.catch(() => undefined);
    const hostCamera = (): types.Producer | undefined => [...peer.producers.values()].find((p) => p.appData.source === 'camera');
    const seenByBob = () => bob.participants.get(alice.peerId!);
    return { alice, bob, stream: camera(), hostCamera, seenByBob };
  }

  const settled = (what: string, check: () => boolean) => waitFor(() => check() || undefined, what, 5_000);

  it('stopped: the host closes the producer and Bob sees the camera off', async () => {
    let stream: LocalStream | undefined;
    const { hostCamera, seenByBob } = await produceWhile((camera) => void (stream = camera).stop());
    expect(stream?.stopped).toBe(true);
    await settled('the host to close the stopped camera', () => hostCamera() === undefined || hostCamera()!.closed);
    await settled('Bob to see the camera off', () => seenByBob()?.cameraOff === true);
    expect(stream!.producer === undefined || stream!.producer.closed).toBe(true);
  });

  it('paused: the host pauses the producer and Bob sees the camera off', async () => {
    const { stream, hostCamera, seenByBob } = await produceWhile((camera) => void camera.pause());
    expect(stream.paused).toBe(true);
    expect(stream.producer?.paused).toBe(true);
    await settled('the host to pause the camera', () => hostCamera()?.paused === true);
    await settled('Bob to see the camera off', () => seenByBob()?.cameraOff === true);
  });

  it('paused before, resumed meanwhile: the host resumes the producer and Bob sees the camera on', async () => {
    const { stream, hostCamera, seenByBob } = await produceWhile(
      (camera) => void camera.resume(),
      (camera) => void camera.pause(),
    );
    expect(stream.paused).toBe(false);
    expect(stream.producer?.paused).toBe(false);
    await settled('the host to resume the camera', () => hostCamera()?.paused === false);
    await settled('Bob to see the camera on', () => seenByBob()?.cameraOff === false);
  });
});

