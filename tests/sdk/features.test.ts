import { describe, expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import { limits } from '../../shared/limits';
import { countFrames, syntheticMedia } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { useTestHost } from '../support/meetingFixture';
import { rawClient } from '../support/rawClient';

describe('meeting features, media controls and host controls', () => {
  const fixture = useTestHost();
  const { media, joined } = fixture;
  let roomCounter = 0;
  const newRoom = () => `room-${++roomCounter}`;


  const next = <T,>(conference: Conference, event: Parameters<Conference['once']>[0]) =>
    new Promise<T>((resolve) => conference.once(event, ((value: T) => resolve(value)) as never));

  it('relays chat and keeps the last messages for late joiners', async () => {
    const room = newRoom();
    const ann = await joined(room, 'Ann');
    const ben = await joined(room, 'Ben');
    const received = next<{ text: string; displayName: string }>(ben, 'chatMessage');
    await ann.sendChat('hello');
    expect(await received).toMatchObject({ text: 'hello', displayName: 'Ann' });
    // Enough senders to pass the history's count cap without hitting anyone's chat budget.
    const senders = [ann, ben];
    for (let s = 2; s < Math.ceil((limits.chatHistorySize + 5) / limits.chatMessagesPer10s) + 1; s++) senders.push(await joined(room, `Sender ${s}`));
    for (let i = 0; i < limits.chatHistorySize + 5; i++) await senders[Math.floor(i / (limits.chatMessagesPer10s - 1))]!.sendChat(`m${i}`);
    const late = await joined(room, 'Late');
    expect(late.chatHistory).toHaveLength(limits.chatHistorySize);
    expect(late.chatHistory.at(-1)?.text).toBe(`m${limits.chatHistorySize + 4}`);
  });

  it('relays raised hands, reactions (rate-limited) and name changes', async () => {
    const room = newRoom();
    const ann = await joined(room, 'Ann');
    const ben = await joined(room, 'Ben');
    const hand = next<{ participantId: string; raised: boolean }>(ben, 'handRaised');
    await ann.setHandRaised(true);
    expect(await hand).toEqual({ participantId: ann.peerId, raised: true });
    expect(ben.participants.get(ann.peerId!)?.handRaised).toBe(true);

    const reaction = next<{ reaction: string }>(ben, 'reaction');
    await ann.sendReaction('🎉');
    expect((await reaction).reaction).toBe('🎉');
    const burst = await Promise.allSettled(Array.from({ length: limits.reactionsPerSecond + 2 }, () => ann.sendReaction('👍')));
    expect(burst.some((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'rate_limited')).toBe(true);

    const renamed = next(ben, 'participantUpdated');
    await ann.setDisplayName('Annie');
    await renamed;
    expect(ben.participants.get(ann.peerId!)?.displayName).toBe('Annie');
  });

  it('notifies pause, resume and close of a producer; consumer pause and preferred layers work', async () => {
    const room = newRoom();
    const ann = await joined(room, 'Ann');
    const m = media();
    const mic = await ann.produceTrack(m.audio, 'mic');
    const camera = await ann.produceTrack(m.video, 'camera');
    const ben = await joined(room, 'Ben');
    const annAtBen = () => ben.participants.get(ann.peerId!)!;
    await waitFor(() => annAtBen().streamFor('camera') && annAtBen().streamFor('mic'), 'Ben consumes Ann');
    expect(annAtBen().muted).toBe(false);

    await mic.pause();
    await waitFor(() => annAtBen().muted, 'Ben sees Ann muted');
    await mic.resume();
    await waitFor(() => !annAtBen().muted, 'Ben sees Ann unmuted');

    const videoConsumerId = annAtBen().streamFor('camera')!.consumer.id;
    await ben.setConsumerPaused(videoConsumerId, true);
    const serverConsumer = fixture.host.rooms.get(room)!.peers.get(ben.peerId!)!.consumers.get(videoConsumerId)!;
    expect(serverConsumer.paused).toBe(true);
    await ben.setConsumerPaused(videoConsumerId, false);
    expect(serverConsumer.paused).toBe(false);
    await ben.setPreferredLayers(videoConsumerId, 0, 0);
    expect(serverConsumer.preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 0 });

    const removed = next<{ source: string }>(ben, 'streamRemoved');
    await camera.stop();
    expect((await removed).source).toBe('camera');
    await waitFor(() => annAtBen().cameraOff, 'Ben sees Ann camera off');
  });

  it('forwards a 3-layer simulcast camera layer by layer as the viewer asks', async () => {
    const room = newRoom();
    const ann = await joined(room, 'Ann');
    const hd = syntheticMedia({ width: 1280, height: 720, fps: 15 });
    fixture.defer(() => hd.stop());
    await ann.produceTrack(hd.video, 'camera');
    const serverProducer = await waitFor(() => [...(fixture.host.rooms.get(room)?.peers.get(ann.peerId!)?.producers.values() ?? [])][0], 'producer');
    expect(serverProducer.rtpParameters.encodings).toHaveLength(3);

    const ben = await joined(room, 'Ben');
    const remote = await waitFor(() => ben.participants.get(ann.peerId!)?.streamFor('camera'), 'camera at Ben');
    const frames = countFrames(remote.stream.getVideoTracks()[0]!);
    fixture.defer(() => frames.stop());
    const layers: (number | null)[] = [];
    ben.on('consumerLayersChanged', (e) => layers.push(e.spatialLayer));
    await ben.setPreferredLayers(remote.consumer.id, 0);
    await waitFor(() => layers.at(-1) === 0, 'spatial layer 0', 15_000);
    await waitFor(() => frames.width > 0 && frames.width <= 320, 'low-resolution frames', 15_000);
    await ben.setPreferredLayers(remote.consumer.id, 1);
    await waitFor(() => layers.at(-1) === 1, 'spatial layer 1', 15_000);
    await waitFor(() => frames.width > 320 && frames.width <= 640, 'mid-resolution frames', 15_000);
  });

  it('sends activeSpeaker for the participant who talks', async () => {
    const room = newRoom();
    const ann = await joined(room, 'Ann');
    const ben = await joined(room, 'Ben');
    await ann.produceTrack(media().audio, 'mic');
    await waitFor(() => ben.activeSpeakerId === ann.peerId, 'Ann as active speaker', 15_000);
  });

  it('lets the host mute, remove and lock; others get unauthorized', async () => {
    const room = newRoom();
    const hostUser = await joined(room, 'Hosting', { ownerKey: fixture.host.ownerKey });
    expect(hostUser.localParticipant.isHost).toBe(true);
    const guest = await joined(room, 'Guest');
    expect(guest.localParticipant.isHost).toBe(false);
    const guestMic = await guest.produceTrack(media().audio, 'mic');

    await expect(guest.muteParticipant(hostUser.peerId!)).rejects.toMatchObject({ code: 'unauthorized' });
    const mutedByHost = next(guest, 'mutedByHost');
    await hostUser.muteParticipant(guest.peerId!);
    await mutedByHost;
    await waitFor(() => guestMic.paused, 'guest sees itself muted');
    await waitFor(() => hostUser.participants.get(guest.peerId!)?.muted, 'host sees guest muted');

    await hostUser.setLocked(true);
    const outsider = new Conference({ url: fixture.host.baseUrl, handlerName: 'Chrome111' });
    await expect(outsider.join({ roomId: room, displayName: 'Outsider' })).rejects.toMatchObject({ code: 'room_locked' });
    await hostUser.setLocked(false);

    const kicked = new Promise<{ state: string; error?: { code: string } }>((resolve) =>
      guest.on('connectionStateChanged', (e) => e.state === 'disconnected' && resolve(e)),
    );
    const left = next(hostUser, 'participantLeft');
    await hostUser.removeParticipant(guest.peerId!);
    expect((await kicked).error?.code).toBe('kicked');
    await left;
    expect(fixture.host.rooms.get(room)!.peers.size).toBe(1);
  });

  it('makes the desktop app (owner key) host of any room, and restarts ICE on request', async () => {
    const room = newRoom();
    const first = await joined(room, 'First');
    // Arriving first makes nobody host: the owner key does.
    expect(first.localParticipant.isHost).toBe(false);
    const owner = new Conference({ url: fixture.host.baseUrl, handlerName: 'Chrome111' });
    fixture.defer(() => owner.leave());
    await owner.join({ roomId: room, displayName: 'Desk', ownerKey: fixture.host.ownerKey });
    expect(owner.localParticipant.isHost).toBe(true);
    expect(first.localParticipant.isHost).toBe(false);

    const raw = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => raw.close());
    const caps = (await raw.welcome).routerRtpCapabilities;
    const join = await raw.request('join', { roomId: room, displayName: 'Raw', rtpCapabilities: caps, ownerKey: 'not-the-key' });
    expect(join.ok && join.data.isHost).toBe(false);
    const transport = join.ok ? join.data.recvTransport : undefined;
    const restarted = await raw.request('restartIce', { transportId: transport!.id });
    expect(restarted.ok).toBe(true);
    expect(restarted.ok && restarted.data.iceParameters.usernameFragment).not.toBe(transport!.iceParameters.usernameFragment);
  });

  it('never gives a peer two consumers of one producer when consume paths overlap', async () => {
    const room = newRoom();
    const ann = await joined(room, 'Ann');
    const raw = await rawClient(fixture.host.baseUrl);
    fixture.defer(() => raw.close());
    const caps = (await raw.welcome).routerRtpCapabilities;
    const join = await raw.request('join', { roomId: room, displayName: 'Racer', rtpCapabilities: caps });
    const m = media();
    await ann.produceTrack(m.audio, 'mic');
    await ann.produceTrack(m.video, 'camera');
    const hostRoom = fixture.host.rooms.get(room)!;
    const racer = hostRoom.peers.get(join.ok ? join.data.peerId : '')!;
    await waitFor(() => racer.consumers.size === 2, 'racer consumes mic and camera');
    for (const consumer of [...racer.consumers.values()]) consumer.close();
    // A join-time consume and a new-producer consume running at once for the same peer:
    const [first, second] = await Promise.all([hostRoom.media.consumeExisting(racer), hostRoom.media.consumeExisting(racer)]);
    expect(first.length + second.length).toBe(2);
    const producerIds = [...racer.consumers.values()].map((c) => c.producerId);
    expect(new Set(producerIds).size).toBe(producerIds.length);
  });

  it('enforces the passcode and rate-limits guessing per address', async () => {
    const room = newRoom();
    const hostUser = await joined(room, 'Hosting', { ownerKey: fixture.host.ownerKey });
    await hostUser.setPasscode('s3cret');
    const guess = (passcode?: string) => new Conference({ url: fixture.host.baseUrl, handlerName: 'Chrome111' }).join({ roomId: room, displayName: 'Guesser', passcode });
    await expect(guess()).rejects.toMatchObject({ code: 'unauthorized', message: 'this meeting needs a passcode' });
    const right = await joined(room, 'Friend', { passcode: 's3cret' });
    expect(right.state).toBe('connected');
    for (let i = 1; i < limits.passcodeAttemptsPerWindow; i++) await expect(guess('wrong')).rejects.toMatchObject({ code: 'unauthorized', message: 'wrong passcode' });
    await expect(guess('s3cret')).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('enforces room and producer limits', async () => {
    const room = newRoom();
    const ann = await joined(room, 'Ann');
    const m = media();
    await ann.produceTrack(m.audio, 'mic');
    await expect(ann.produceTrack(syntheticMedia().audio, 'mic')).rejects.toMatchObject({ code: 'limit_exceeded' });

    const raws = [];
    try {
      for (let i = 1; i < limits.maxPeersPerRoom; i++) {
        const raw = await rawClient(fixture.host.baseUrl);
        raws.push(raw);
        const { routerRtpCapabilities } = await raw.welcome;
        const ack = await raw.request('join', { roomId: room, displayName: `Filler ${i}`, rtpCapabilities: routerRtpCapabilities });
        expect(ack.ok).toBe(true);
      }
      const overflow = new Conference({ url: fixture.host.baseUrl, handlerName: 'Chrome111' });
      await expect(overflow.join({ roomId: room, displayName: 'One too many' })).rejects.toMatchObject({ code: 'room_full' });
    } finally {
      for (const raw of raws) raw.close();
    }
  });
});
