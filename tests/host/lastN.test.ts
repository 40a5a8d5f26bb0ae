import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import type { Host } from '../../electron/host/Host';
import type { Room } from '../../electron/host/Room';
import { installWrtcGlobals, syntheticMedia } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';

installWrtcGlobals();
const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');

const LAST_N = 2;
const PARTICIPANTS = 16;

/** A microphone that plays a 440 Hz tone while `speaking`, digital silence otherwise. */
function switchableMic() {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const sampleRate = 48_000;
  const samples = new Int16Array(sampleRate / 100);
  let phase = 0;
  const state = { speaking: false };
  const timer = setInterval(() => {
    for (let i = 0; i < samples.length; i++) samples[i] = state.speaking ? Math.round(8000 * Math.sin((phase++ * 2 * Math.PI * 440) / sampleRate)) : 0;
    source.onData({ samples, sampleRate, bitsPerSample: 16, channelCount: 1, numberOfFrames: samples.length });
  }, 10);
  const track = source.createTrack() as MediaStreamTrack;
  return { track, state, stop: () => (clearInterval(timer), track.stop()) };
}

/** "peerId:kind" of every consumer of `peerId` whose packets actually left the host during `windowMs`. */
async function forwarding(room: Room, peerId: string, windowMs = 400): Promise<Set<string>> {
  const consumers = [...room.peers.get(peerId)!.consumers.values()];
  const sample = () => Promise.all(consumers.map(async (c) => (await c.getStats().catch(() => [])).filter((s) => s.type === 'outbound-rtp').reduce((sum, s) => sum + s.packetCount, 0)));
  const before = await sample();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = await sample();
  return new Set(consumers.flatMap((c, i) => (after[i]! > before[i]! ? [`${c.appData.producerPeerId}:${c.kind}`] : [])));
}

/**
 * Selective forwarding in a 16-participant room (last-N = 2): three participants talk in turn (one
 * with a camera), one more sends a camera, the rest only listen. One listener hides the talker's
 * tile and shows the other camera.
 */
describe('a 16-participant room forwards selectively', () => {
  let host: Host;
  const conferences: Conference[] = [];
  const stops: (() => void)[] = [];

  beforeAll(async () => {
    host = await startTestHost({ lastN: LAST_N, lastNMinPeers: 12 });
  });
  afterAll(async () => {
    for (const stop of stops) stop();
    await Promise.all(conferences.map((c) => c.leave().catch(() => undefined)));
    await host?.stop();
  });

  it('forwards to each receiver only its shown tiles plus the last-N speakers, switches within 1 s, and honours pins', async () => {
    const roomId = 'last-n';
    const join = async (name: string) => {
      const conference = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
      conferences.push(conference);
      await conference.join({ roomId, displayName: name });
      return conference;
    };
    const [ann, ben, cid, vic, rex] = [await join('Ann'), await join('Ben'), await join('Cid'), await join('Vic'), await join('Rex')];
    const mics = [switchableMic(), switchableMic(), switchableMic()];
    stops.push(...mics.map((m) => m.stop));
    const annCamera = syntheticMedia({ width: 160, height: 120, fps: 8 });
    const vicCamera = syntheticMedia({ width: 160, height: 120, fps: 8 });
    stops.push(annCamera.stop, vicCamera.stop);
    await ann.produceTrack(mics[0]!.track, 'mic');
    await ben.produceTrack(mics[1]!.track, 'mic');
    await cid.produceTrack(mics[2]!.track, 'mic');
    await ann.produceTrack(annCamera.video, 'camera');
    await vic.produceTrack(vicCamera.video, 'camera');
    // Listeners, a few at a time (two cores).
    for (let i = conferences.length; i < PARTICIPANTS; i += 4) {
      await Promise.all(Array.from({ length: Math.min(4, PARTICIPANTS - i) }, (_, k) => join(`Listener ${i + k}`)));
    }
    const room = host.rooms.get(roomId)!;
    // On a loaded machine a client may be in the middle of a reconnect: wait for everyone to be in.
    await waitFor(() => room.peers.size === PARTICIPANTS && conferences.every((c) => c.state === 'connected'), 'everyone in the room', 30_000);
    expect(room.media.forwarding.selective).toBe(true);
    // Everyone is still listed, with every producer, whether forwarded or not.
    await waitFor(() => rex.participants.size === PARTICIPANTS - 1, 'everyone listed');
    await waitFor(() => rex.participants.get(ann.peerId!)?.streamFor('camera') && rex.participants.get(vic.peerId!)?.streamFor('camera'), 'both cameras offered');
    // Rex hides Ann's tile and shows Vic's.
    await rex.setConsumerPaused(rex.participants.get(ann.peerId!)!.streamFor('camera')!.consumer.id, true);
    const visibleTiles = new Set([vic.peerId!]);

    const assertBound = async (speakers: string[]) => {
      const flowing = await forwarding(room, rex.peerId!);
      const peers = new Set([...flowing].map((key) => key.split(':')[0]!));
      // Never more than the visible tiles plus the last-N speakers.
      expect(peers.size).toBeLessThanOrEqual(visibleTiles.size + LAST_N);
      for (const peer of peers) expect(visibleTiles.has(peer) || speakers.includes(peer)).toBe(true);
      return flowing;
    };
    const switchWithin = async (condition: (flowing: Set<string>) => boolean, what: string) => {
      const started = Date.now();
      await waitFor(async () => condition(await forwarding(room, rex.peerId!, 100)), what, 10_000);
      return Date.now() - started;
    };

    // Nobody has spoken yet: only Vic's shown camera flows to Rex.
    await waitFor(async () => {
      const flowing = await forwarding(room, rex.peerId!);
      return flowing.size === 1 && flowing.has(`${vic.peerId}:video`);
    }, 'only the shown tile', 10_000);

    // Ann talks: her audio flows, and her video although her tile is hidden (a recent speaker).
    mics[0]!.state.speaking = true;
    await switchWithin((f) => f.has(`${ann.peerId}:audio`) && f.has(`${ann.peerId}:video`), 'Ann forwarded');
    mics[0]!.state.speaking = false;
    mics[1]!.state.speaking = true;
    await switchWithin((f) => f.has(`${ben.peerId}:audio`), 'Ben forwarded');
    let flowing = await assertBound([ann.peerId!, ben.peerId!]);
    expect(flowing.has(`${cid.peerId}:audio`)).toBe(false);

    // Cid takes over: Ann, the least recent of the two, stops; Cid starts. The host's part (from
    // hearing Cid to what flows) must take under a second; the whole switch is logged (it includes
    // the client's encoder and the level observer's interval, and a contended machine's delays).
    const heardCid = new Promise<number>((resolve) => room.media.speakers.on('recentChanged', () => room.media.speakers.isRecent(cid.peerId!) && resolve(Date.now())));
    const toneOn = Date.now();
    mics[1]!.state.speaking = false;
    mics[2]!.state.speaking = true;
    await switchWithin((f) => f.has(`${cid.peerId}:audio`) && !f.has(`${ann.peerId}:audio`) && !f.has(`${ann.peerId}:video`), 'switch to Cid');
    const switchedAt = Date.now();
    const heardAt = await heardCid;
    console.info(`last-N switch: ${switchedAt - toneOn} ms from Cid's first word, ${switchedAt - heardAt} ms from the host hearing him`);
    expect(switchedAt - heardAt).toBeLessThan(1_000);
    // Cid first once the slow level observer (1.2 s window) has had its say: right after the switch it
    // may still report Ben's last words after the fast one heard Cid (seen once in CI).
    await waitFor(() => JSON.stringify(room.media.speakers.recent) === JSON.stringify([cid.peerId, ben.peerId]), 'Cid, then Ben, as the recent speakers', 3_000);
    flowing = await assertBound([ben.peerId!, cid.peerId!]);
    expect(flowing.has(`${cid.peerId}:audio`)).toBe(true);
    // Every listener gets the same speakers (a silent speaker's DTX packets are sparse: look at what the host forwards).
    const listener = room.peers.get(conferences.at(-1)!.peerId!)!;
    const audioOn = [...listener.consumers.values()].filter((c) => c.kind === 'audio' && !c.paused).map((c) => c.appData.producerPeerId);
    expect(audioOn.sort()).toEqual([ben.peerId!, cid.peerId!].sort());
    expect((await forwarding(room, listener.id)).has(`${cid.peerId}:audio`)).toBe(true);

    // Rex pins Ann (asks for her audio and video): honoured though she is no recent speaker.
    const annStreams = rex.participants.get(ann.peerId!)!;
    await rex.setConsumerPaused(annStreams.streamFor('mic')!.consumer.id, false);
    await rex.setConsumerPaused(annStreams.streamFor('camera')!.consumer.id, false);
    await switchWithin((f) => f.has(`${ann.peerId}:audio`) && f.has(`${ann.peerId}:video`), 'pinned Ann forwarded');
  }, 120_000);
});
