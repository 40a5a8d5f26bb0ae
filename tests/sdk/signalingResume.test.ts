/**
 * A participant whose signaling connection drops while its media path still works (its process
 * stalled past the heartbeat; a proxy reset the WebSocket) resumes its session on a new connection:
 * the host kept its transports, producers and consumers, so nobody renegotiates, and sends it what
 * it missed — also what went to the dead connection before the host noticed. Before this, every
 * such drop was a full rejoin that made every other participant take its streams anew (the
 * 50-participant bench, issue 12). Real host, real sockets, @roamhq/wrtc clients.
 */
import { describe, expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import type { ReconnectPolicy } from '../../renderer/src/conference/ReconnectPolicy';
import { startFaultRelay, type FaultRules } from '../support/faultRelay';
import { useTestHost, type MeetingFixture } from '../support/meetingFixture';
import { waitFor } from '../support/testHost';
import { countFrames } from '../support/wrtc';

/** The first try waits `firstDelayMs`: what happens meanwhile is what the host must keep for the participant. */
const waitFirst = (firstDelayMs: number): ReconnectPolicy => ({ nextRetryDelayMs: ({ attempt }) => (attempt === 0 ? firstDelayMs : 500) });

async function pair(fixture: MeetingFixture, firstDelayMs: number, rules: FaultRules = {}) {
  const roomId = fixture.newRoom();
  const relay = await startFaultRelay(fixture.host.baseUrl, rules);
  fixture.defer(() => relay.close());
  const ann = new Conference({ url: relay.url, handlerName: 'Chrome111', reconnectPolicy: waitFirst(firstDelayMs) });
  fixture.defer(() => ann.leave());
  await ann.join({ roomId, displayName: 'Ann' });
  await ann.produceTrack(fixture.media().video, 'camera');
  const ben = await fixture.joined(roomId, 'Ben');
  await ben.produceTrack(fixture.media().video, 'camera');
  const annId = ann.peerId!;
  const benId = ben.peerId!;
  const annAtBen = await waitFor(() => ben.participants.get(annId)?.streamFor('camera'), "Ann's camera at Ben");
  const benAtAnn = await waitFor(() => ann.participants.get(benId)?.streamFor('camera'), "Ben's camera at Ann");
  const states: string[] = [];
  ann.on('connectionStateChanged', ({ state }) => states.push(state));
  const seenByBen: string[] = [];
  ben.on('participantJoined', (p) => seenByBen.push(`joined:${p.displayName}`));
  ben.on('participantLeft', (p) => seenByBen.push(`left:${p.displayName}`));
  ben.on('participantUpdated', (p) => p.id === annId && seenByBen.at(-1) !== `reconnecting:${p.reconnecting}` && seenByBen.push(`reconnecting:${p.reconnecting}`));
  return { roomId, relay, ann, ben, annId, benId, annAtBen, benAtAnn, states, seenByBen };
}

describe('a signaling drop with the media path alive', () => {
  const fixture = useTestHost();

  it('resumes the session: same transports and streams, what was missed arrives, nobody renegotiates', { timeout: 60_000 }, async () => {
    const { roomId, relay, ann, ben, annId, benId, annAtBen, benAtAnn, states, seenByBen } = await pair(fixture, 1_500);
    const transports = ann.transports;
    const room = fixture.host.rooms.get(roomId)!;
    const annPeer = room.peers.get(annId)!;

    // Key frames asked of Ben's camera from here on (what Ann receives).
    const benCamera = [...room.peers.get(benId)!.producers.values()].find((p) => p.kind === 'video')!;
    const keyFrameAsks: number[] = [];
    let backAt = Infinity;
    ann.on('connectionStateChanged', ({ state }) => state === 'connected' && (backAt = Date.now()));
    await benCamera.enableTraceEvent(['pli', 'fir']);
    benCamera.on('trace', (trace) => trace.direction === 'out' && keyFrameAsks.push(Date.now()));

    // The downlink dies silently first: this message goes to a connection that never delivers it.
    relay.silenceFromHost(true);
    await ben.sendChat('sent while your connection was dying');
    relay.cut();
    await waitFor(() => ben.participants.get(annId)?.reconnecting, 'Ann shown as reconnecting at Ben');
    // While Ann is away: the host keeps this for her too.
    await ben.setHandRaised(true);

    await waitFor(() => ann.state === 'connected' && ben.participants.get(annId)?.reconnecting === false, 'Ann back', 20_000);
    expect(states).toEqual(['reconnecting', 'connected']);
    expect(ann.chatHistory.map((m) => m.text)).toContain('sent while your connection was dying');
    expect(ann.participants.get(benId)?.handRaised).toBe(true);
    // Nothing was rebuilt, on either side.
    expect(ann.transports.send).toBe(transports.send);
    expect(ann.transports.recv).toBe(transports.recv);
    expect(room.peers.get(annId)).toBe(annPeer);
    expect(ben.participants.get(annId)?.streamFor('camera')?.consumer.id).toBe(annAtBen.consumer.id);
    expect(ann.participants.get(benId)?.streamFor('camera')?.consumer.id).toBe(benAtAnn.consumer.id);
    expect(seenByBen).toEqual(['reconnecting:true', 'reconnecting:false']);
    // After a drop the host asks the senders of what Ann receives for a key frame: had her path
    // been down too, what comes next could not be shown before one.
    // (Receivers ask for one now and then anyway: the host's ask is the one as Ann resumes.)
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(keyFrameAsks.map((at) => at - backAt).filter((ms) => Math.abs(ms) < 500), 'a key frame asked of Ben as Ann resumed').not.toEqual([]);
    // And the media goes on both ways.
    for (const stream of [annAtBen, benAtAnn]) {
      const frames = countFrames(stream.stream.getVideoTracks()[0]!);
      await waitFor(() => frames.frames > 3, 'frames after the resume');
      frames.stop();
    }
    // The new connection is the one the host uses now: a request on it works, and notifications arrive on it.
    await ann.setHandRaised(true);
    await waitFor(() => ben.participants.get(annId)?.handRaised, "Ann's hand at Ben");
  });

  it('a try that cannot reach the host keeps the session for the next one', { timeout: 60_000 }, async () => {
    const { relay, ann, ben, annId, annAtBen, states } = await pair(fixture, 200);
    const transports = ann.transports;
    relay.refuseConnections(true);
    relay.cut();
    await waitFor(() => states.includes('reconnecting'), 'Ann reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // the first tries are refused
    relay.refuseConnections(false);
    await waitFor(() => ann.state === 'connected', 'Ann back', 20_000);
    expect(ann.transports.send).toBe(transports.send);
    expect(ben.participants.get(annId)?.streamFor('camera')?.consumer.id).toBe(annAtBen.consumer.id);
  });

  it('the session is kept as long as the host keeps it (its grace, 15 s, said in the join answer): unreachable for 11 s, still resumed', { timeout: 60_000 }, async () => {
    const { relay, ann, ben, annId, annAtBen } = await pair(fixture, 200);
    const transports = ann.transports;
    relay.refuseConnections(true);
    relay.cut();
    await waitFor(() => ann.state === 'reconnecting', 'Ann reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    relay.refuseConnections(false);
    await waitFor(() => ann.state === 'connected', 'Ann back', 20_000);
    expect(ann.transports.send).toBe(transports.send);
    expect(ben.participants.get(annId)?.streamFor('camera')?.consumer.id).toBe(annAtBen.consumer.id);
  });

  it('requests the drop interrupted are asked again once the session is back: a produce in flight completes', { timeout: 60_000 }, async () => {
    // Ann's camera went out with the first produce; the answer to the second (her mic) is held, then the connection breaks.
    let produces = 0;
    const { roomId, relay, ann, ben, annId } = await pair(fixture, 300, { delayAnswerMs: (request) => (request === 'produce' && ++produces === 2 ? 60_000 : 0) });
    const producing = ann.produceTrack(fixture.media().audio, 'mic');
    await waitFor(() => relay.requests.filter((name) => name === 'produce').length === 2, "Ann's mic produce at the host");
    relay.cut();
    const mic = await producing;
    expect(mic.producer?.closed).toBe(false);
    await waitFor(() => ben.participants.get(annId)?.streamFor('mic'), "Ann's mic at Ben", 20_000);
    // Asked twice, made once.
    const producers = [...fixture.host.rooms.get(roomId)!.peers.get(annId)!.producers.values()];
    expect(producers.filter((producer) => producer.appData.source === 'mic')).toHaveLength(1);
  });

  it('a consume that finishes while the participant is reconnecting is kept (there as soon as she is back), and the host\'s offer of it again answered from it', { timeout: 60_000 }, async () => {
    const { relay, ann, ben, benId, states } = await pair(fixture, 1_500);
    const transports = ann.transports;
    // Ann's next consume waits (as on a loaded machine) until the connection has dropped.
    const recv = transports.recv! as unknown as { consume: (...args: unknown[]) => Promise<unknown> };
    const consume = recv.consume.bind(recv);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let consuming = false;
    recv.consume = async (...args: unknown[]) => {
      recv.consume = consume;
      consuming = true;
      await released;
      return consume(...args);
    };
    const failed: string[] = [];
    ann.on('streamFailed', ({ error }) => failed.push(error.message));
    await ben.produceTrack(fixture.media().audio, 'mic');
    await waitFor(() => consuming, "the offer of Ben's mic being taken");
    relay.cut();
    await waitFor(() => ann.state === 'reconnecting', 'Ann reconnecting');
    release(); // done while she is away; her answer to the offer went with the old connection
    await waitFor(() => ann.state === 'connected', 'Ann back', 20_000);
    // Kept, not dropped as stale: there now, not only when the host offers it again (after its 10 s wait for her answer).
    const mic = await waitFor(() => ann.participants.get(benId)?.streamFor('mic'), "Ben's mic at Ann", 2_000);
    // The host's offer of it again is answered from what she has.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(failed).toEqual([]);
    expect(states).toEqual(['reconnecting', 'connected']);
    expect(ann.transports.recv).toBe(transports.recv);
    expect(ann.participants.get(benId)?.streamFor('mic')?.consumer).toBe(mic.consumer);
    expect(mic.consumer.closed).toBe(false);
  });

  it('a consumer offered while the participant was away is taken once it is back', { timeout: 60_000 }, async () => {
    const { relay, ann, ben, benId } = await pair(fixture, 1_500);
    relay.cut();
    await waitFor(() => ben.participants.get(ann.peerId!)?.reconnecting, 'Ann shown as reconnecting at Ben');
    await ben.produceTrack(fixture.media().audio, 'mic');
    const mic = await waitFor(() => ann.participants.get(benId)?.streamFor('mic'), "Ben's mic at Ann", 20_000);
    expect(mic.consumer.closed).toBe(false);
    expect(ann.state).toBe('connected');
  });
});

describe('a signaling drop after the host stopped holding the session', () => {
  const fixture = useTestHost({ resumeGraceMs: 1_000 });

  it('is refused as not resumable, and the participant rejoins as itself with its media', { timeout: 60_000 }, async () => {
    const { relay, ann, ben, annId, benId, annAtBen, states } = await pair(fixture, 2_500);
    relay.cut();
    await waitFor(() => ann.state === 'reconnecting' && ben.participants.get(annId)?.reconnecting, 'Ann reconnecting');
    await waitFor(() => ann.state === 'connected' && ben.participants.get(annId)?.reconnecting === false, 'Ann back', 20_000);
    expect(states).toEqual(['reconnecting', 'connected']);
    expect(ann.peerId).toBe(annId);
    const again = await waitFor(() => ben.participants.get(annId)?.streamFor('camera'), "Ann's camera at Ben again", 20_000);
    expect(again.consumer.id).not.toBe(annAtBen.consumer.id);
    await waitFor(() => ann.participants.get(benId)?.streamFor('camera'), "Ben's camera at Ann again", 20_000);
    expect(relay.requests).toContain('resume');
  });
});

describe('a signaling drop, the host keeping no session (ROUNDTABLE_RESUME_GRACE_MS=0)', () => {
  const fixture = useTestHost({ resumeGraceMs: 0 });

  it('rejoins at once, without asking to resume what the host said it does not keep', { timeout: 60_000 }, async () => {
    const { relay, ann, ben, annId, annAtBen } = await pair(fixture, 200);
    relay.cut();
    await waitFor(() => ann.state === 'reconnecting', 'Ann reconnecting');
    await waitFor(() => ann.state === 'connected', 'Ann back', 20_000);
    const again = await waitFor(() => ben.participants.get(annId)?.streamFor('camera'), "Ann's camera at Ben again", 20_000);
    expect(again.consumer.id).not.toBe(annAtBen.consumer.id);
    expect(relay.requests).not.toContain('resume');
  });
});
