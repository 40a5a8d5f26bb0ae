import { describe, expect, it } from 'vitest';
import type { Conference } from '../../renderer/src/conference';
import { installWrtcGlobals } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { spanOf, useSpanningPair } from './spanningPair';

installWrtcGlobals();

/**
 * A camera piped to another node of the meeting crosses only while someone there forwards it (as
 * between the workers of one node): the receiving node asks the sending node to stop and to send
 * again (`pipeDemand`). Real redis-server, two host processes, Node WebRTC clients.
 */
describe('a camera piped between nodes', () => {
  const pair = useSpanningPair('demand');
  const { kit } = pair;

  it('crosses only while a participant on the far node shows it; a newcomer there sees it on and decodes it', async () => {
    const ann = await kit.join(pair.a.url, 'demand', 'Ann');
    const ben = await kit.join(pair.b.url, 'demand', 'Ben');
    await kit.send(ann);
    await kit.decodes(ben, () => ann.peerId, 'Ben (node b) decodes Ann (node a)');
    // Node a sends Ann's camera and mic to node b; what it stopped sending counts here.
    const pipesOfA = async () => spanOf(await pair.a.health(), 'demand')?.pipes;
    expect(await pipesOfA()).toMatchObject({ pipedOut: 2, sendingPaused: 0 });

    const benView = (viewer: Conference) => viewer.participants.get(ann.peerId!)!.streamFor('camera')!.consumer.id;
    await ben.setConsumerPaused(benView(ben), true);
    // The camera stops crossing; the mic does not (each node ranks every speaker itself).
    await waitFor(async () => (await pipesOfA())?.sendingPaused === 1, 'node a stops sending the camera nobody on node b shows', 5_000);

    const cid = await kit.join(pair.b.url, 'demand', 'Cid');
    expect(cid.participants.get(ann.peerId!)?.cameraOff).toBe(false);
    await kit.decodes(cid, () => ann.peerId, 'Cid (node b, joined while nothing crossed) decodes Ann');
    expect((await pipesOfA())?.sendingPaused).toBe(0);
    await cid.leave();
    await waitFor(async () => (await pipesOfA())?.sendingPaused === 1, 'node a stops again once Cid left', 5_000);

    // Shown again: node a sends before Ben's consumer resumes, and a key frame comes through.
    await ben.setConsumerPaused(benView(ben), false);
    expect((await pipesOfA())?.sendingPaused).toBe(0);
    await kit.decodes(ben, () => ann.peerId, 'Ben decodes Ann again');
  }, 120_000);
});
