import { describe, expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import type { Room } from '../../electron/host/Room';
import { countFrames } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { useTestHost } from '../support/meetingFixture';
import { rawClient } from '../support/rawClient';

/**
 * A room over two workers: the home worker takes participants until it forwards one consumer
 * (ROUNDTABLE_WORKER_MAX_CONSUMERS=1), so the third participant lands on the other worker.
 */
describe('a room spanning two workers', () => {
  const fixture = useTestHost({ workers: 2, workerMaxConsumers: 1 });
  const { joined } = fixture;
  let roomCounter = 0;


  const media = () => fixture.media({ width: 160, height: 120, fps: 10 });
  async function decodes(viewer: Conference, senderId: string, what: string): Promise<void> {
    const remote = await waitFor(() => viewer.participants.get(senderId)?.streamFor('camera'), `${what}: stream`, 15_000);
    const frames = countFrames(remote.stream.getVideoTracks()[0]!);
    try {
      await waitFor(() => frames.frames >= 3, `${what}: decoded frames`, 15_000);
    } finally {
      frames.stop();
    }
  }
  const workerOf = (room: Room, conference: Conference) => room.media.routers.routerOf(room.peers.get(conference.peerId!)!)!.slot;

  /** Three participants; the third is placed on the second worker. */
  async function spanningRoom() {
    const roomId = `span-${++roomCounter}`;
    const ann = await joined(roomId, 'Ann', { ownerKey: fixture.host.ownerKey });
    await ann.produceTrack(media().video, 'camera');
    const ben = await joined(roomId, 'Ben');
    const room = fixture.host.rooms.get(roomId)!;
    await waitFor(() => room.slot.consumers >= 1, 'home worker forwarding');
    const cid = await joined(roomId, 'Cid');
    return { roomId, room, ann, ben, cid };
  }

  it('forwards media both ways between participants on different workers, speakers and host controls included', async () => {
    const { room, ann, ben, cid } = await spanningRoom();
    expect(workerOf(room, ann)).toBe(room.slot);
    expect(workerOf(room, ben)).toBe(room.slot);
    expect(workerOf(room, cid)).not.toBe(room.slot);
    expect((await room.media.routers.all()).length).toBe(2);

    // Home → secondary, through a pipe.
    await decodes(cid, ann.peerId!, 'Cid sees Ann');
    // Secondary → home: Cid's camera and mic reach Ann and Ben.
    const cidMedia = media();
    const cidCamera = await cid.produceTrack(cidMedia.video, 'camera');
    await cid.produceTrack(cidMedia.audio, 'mic');
    await decodes(ann, cid.peerId!, 'Ann sees Cid');
    await decodes(ben, cid.peerId!, 'Ben sees Cid');
    // Speakers on the secondary router are announced to the whole room.
    await waitFor(() => ann.activeSpeakerId === cid.peerId && ben.activeSpeakerId === cid.peerId, 'Cid as active speaker everywhere', 15_000);
    // Host controls reach a producer on the other worker; the pause travels through the pipe.
    await ann.muteParticipant(cid.peerId!);
    await waitFor(() => ben.participants.get(cid.peerId!)?.muted, 'Ben sees Cid muted');
    const benConsumerOfCidMic = [...room.peers.get(ben.peerId!)!.consumers.values()].find((c) => c.appData.producerPeerId === cid.peerId && c.kind === 'audio')!;
    await waitFor(() => benConsumerOfCidMic.producerPaused, 'the piped mic paused for Ben');

    // Each producer is piped once per router it is consumed on: Ann's camera to Cid's router, Cid's camera and mic to home.
    expect(room.media.routers.pipeCount).toBe(3);
    await cidCamera.stop();
    await waitFor(() => room.media.routers.pipeCount === 2, 'the camera pipe forgotten with its producer');

    const secondary = workerOf(room, cid);
    await cid.leave();
    await waitFor(() => room.media.routers.pipeCount === 0, 'every pipe forgotten when the last participant of the secondary left');
    await waitFor(async () => (await room.media.routers.all()).length === 1, 'secondary router closed');
    await waitFor(() => secondary.routers === 0 && secondary.producers === 0 && secondary.consumers === 0, 'nothing left on the secondary worker');
  }, 90_000);

  it('carries media through a pipe only while someone on the far worker forwards it', async () => {
    const { room, ann, cid } = await spanningRoom();
    await decodes(cid, ann.peerId!, 'Cid sees Ann');
    const annCamera = [...room.peers.get(ann.peerId!)!.producers.values()].find((p) => p.kind === 'video')!;
    const far = room.media.routers.routerOf(room.peers.get(cid.peerId!)!)!.router;
    const pipe = room.media.routers.pipeConsumerOf(annCamera.id, far)!;
    expect(pipe).toBeDefined();
    const bytesCrossing = async () => (await pipe.getStats()).reduce((sum, s) => sum + s.byteCount, 0);
    const crossesWithin = async (ms: number) => {
      const before = await bytesCrossing();
      await new Promise((r) => setTimeout(r, ms));
      return (await bytesCrossing()) - before;
    };
    expect(await crossesWithin(1_000)).toBeGreaterThan(0);

    // Cid, the only one on that worker, hides Ann's tile: nothing crosses any more.
    const cidView = () => cid.participants.get(ann.peerId!)!.streamFor('camera')!;
    await cid.setConsumerPaused(cidView().consumer.id, true);
    await waitFor(() => pipe.paused, 'the pipe paused');
    expect(await crossesWithin(1_500)).toBe(0);

    // A newcomer on that worker sees Ann's camera as on, and decodes it: the pipe flows again for it.
    const dan = await joined(room.id, 'Dan');
    expect(workerOf(room, dan)).toBe(workerOf(room, cid));
    expect(dan.participants.get(ann.peerId!)!.cameraOff).toBe(false);
    await decodes(dan, ann.peerId!, 'Dan sees Ann');
    await dan.leave();
    await waitFor(() => pipe.paused, 'the pipe paused again when its one forwarding reader left');

    // Cid shows the tile again: frames flow (a key frame came through the resumed pipe).
    await cid.setConsumerPaused(cidView().consumer.id, false);
    expect(pipe.paused).toBe(false);
    await decodes(cid, ann.peerId!, 'Cid sees Ann again');
    expect(await crossesWithin(1_000)).toBeGreaterThan(0);
  }, 90_000);

  it('sends the participants of a dead secondary worker back in; pipes to it are forgotten', async () => {
    const { room, ann, cid } = await spanningRoom();
    const cidMedia = media();
    await cid.produceTrack(cidMedia.video, 'camera');
    await decodes(ann, cid.peerId!, 'Ann sees Cid');
    const secondary = workerOf(room, cid);
    const deadPid = secondary.worker.pid;
    const states: string[] = [];
    cid.on('connectionStateChanged', (e) => states.push(e.state));

    process.kill(deadPid, 'SIGKILL');
    await waitFor(() => states.includes('reconnecting') && cid.state === 'connected', 'Cid rejoined', 20_000);
    // Back on a live worker (the other one, or its replacement), and its camera flows again.
    expect(workerOf(room, cid).alive).toBe(true);
    await decodes(ann, cid.peerId!, 'Ann sees Cid again');
    await decodes(cid, ann.peerId!, 'Cid sees Ann again');
    expect(room.peers.size).toBe(3);
    const routers = await room.media.routers.all();
    expect(routers.every((r) => !r.router.closed && r.slot.alive)).toBe(true);
    // Only live pipes remain: Ann's camera to Cid's router and Cid's camera home, if Cid is away from home.
    expect(room.media.routers.pipeCount).toBe(workerOf(room, cid) === room.slot ? 0 : 2);
  }, 90_000);
});

/**
 * Joins that arrive together are placed before any of their consumers exist: placement counts what
 * each newcomer will consume (the room's producers), or a burst (everyone joining at the hour) would
 * pile onto the home worker however far it then passes the threshold.
 */
describe('a burst of joins into a room near its worker threshold', () => {
  const fixture = useTestHost({ workers: 2, workerMaxConsumers: 12 });

  it('spreads the newcomers over the workers as if they had come one by one', async () => {
    const roomId = fixture.newRoom('burst');
    const ann = await fixture.joined(roomId, 'Ann', { ownerKey: fixture.host.ownerKey });
    const ben = await fixture.joined(roomId, 'Ben');
    for (const sender of [ann, ben]) {
      const media = fixture.media({ width: 160, height: 120, fps: 10 });
      await sender.produceTrack(media.video, 'camera');
      await sender.produceTrack(media.audio, 'mic');
    }
    const room = fixture.host.rooms.get(roomId)!;
    // Four producers, each consumed by the other sender: 4 consumers on the home worker, under 12.
    await waitFor(() => room.slot.consumers === 4, 'the senders consume each other');

    const newcomers = await Promise.all(Array.from({ length: 6 }, () => rawClient(fixture.host.baseUrl)));
    fixture.defer(() => newcomers.forEach((client) => client.close()));
    const capabilities = await Promise.all(newcomers.map((client) => client.welcome));
    const answers = await Promise.all(
      newcomers.map((client, i) => client.request('join', { roomId, displayName: `New ${i}`, rtpCapabilities: capabilities[i]!.routerRtpCapabilities })),
    );
    expect(answers.every((answer) => answer.ok)).toBe(true);

    const ids = answers.map((answer) => (answer.ok ? (answer.data as { peerId: string }).peerId : ''));
    const onHome = ids.filter((id) => room.media.routers.routerOf(room.peers.get(id)!)?.slot === room.slot).length;
    // One by one: two newcomers (4 consumers each) bring the home worker to 12, the rest go elsewhere.
    expect(onHome).toBe(2);
    expect((await room.media.routers.all()).length).toBe(2);
  }, 60_000);
});
