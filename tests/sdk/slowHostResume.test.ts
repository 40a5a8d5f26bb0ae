/**
 * The NetworkWatcher gives up on a connection whose host "does not answer" and resumes the session on
 * a new one. On a busy machine (a laptop hosting the meeting, a starved browser) the host was only
 * slow and the old connection still worked: the drop then reached the host, and it must read as a
 * broken connection (session kept for the resume), not as the participant leaving (session closed,
 * the resume refused, a full rejoin that made everyone take the participant's streams again: seen
 * in the network lab at load 25). Real host, real sockets, @roamhq/wrtc clients.
 */
import { describe, expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import { startFaultRelay } from '../support/faultRelay';
import { useTestHost } from '../support/meetingFixture';
import { waitFor } from '../support/testHost';

/** A browser's `window` for the 'online' event the watcher listens to (Node has none); removed with `uninstall`. */
function installWindow(): { listeners: Set<() => void>; uninstall(): void } {
  const listeners = new Set<() => void>();
  (globalThis as { window?: unknown }).window = {
    addEventListener: (type: string, listener: () => void) => type === 'online' && listeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => listeners.delete(listener),
  };
  return { listeners, uninstall: () => delete (globalThis as { window?: unknown }).window };
}

describe('a resume after the host was only slow to answer', () => {
  const fixture = useTestHost();

  it('keeps the session: the host held it, nobody saw the participant leave', { timeout: 60_000 }, async () => {
    const roomId = fixture.newRoom();
    let slow = false;
    // The host answers the watcher's probe late (busy), everything else at once.
    const relay = await startFaultRelay(fixture.host.baseUrl, { delayAnswerMs: (request) => (slow && request === 'ping' ? 1_500 : 0) });
    fixture.defer(() => relay.close());
    const network = installWindow();
    fixture.defer(() => network.uninstall()); // after Ann left (cleanups run in reverse)
    const ann = new Conference({ url: relay.url, handlerName: 'Chrome111' });
    fixture.defer(() => ann.leave());
    const annOnline = [...network.listeners]; // Ben's watcher will listen too: the change is Ann's
    await ann.join({ roomId, displayName: 'Ann' });
    await ann.produceTrack(fixture.media().video, 'camera');
    const annId = ann.peerId!;
    const ben = await fixture.joined(roomId, 'Ben');
    const annAtBen = await waitFor(() => ben.participants.get(annId)?.streamFor('camera'), "Ann's camera at Ben");
    const transports = ann.transports;
    const annPeer = fixture.host.rooms.get(roomId)!.peers.get(annId)!;
    const seenByBen: string[] = [];
    ben.on('participantJoined', (p) => seenByBen.push(`joined:${p.displayName}`));
    ben.on('participantLeft', (p) => seenByBen.push(`left:${p.displayName}`));
    const repairs: string[] = [];
    ann.on('networkRepair', ({ action, reason }) => repairs.push(`${action}: ${reason}`));
    const states: string[] = [];
    ann.on('connectionStateChanged', ({ state }) => states.push(state));

    slow = true;
    annOnline.forEach((online) => online()); // a network change: the watcher asks the host, which answers too late
    await waitFor(() => states.includes('reconnecting'), 'Ann reconnecting');
    slow = false;
    await waitFor(() => ann.state === 'connected', 'Ann back', 20_000);

    // (Then ICE is restarted on the kept transports, as after any resume of a path thought silent.)
    expect(repairs[0]).toMatch(/^resume: network changed; the host does not answer/);
    expect(repairs.slice(1).every((repair) => repair.startsWith('iceRestart'))).toBe(true);
    expect(states).toEqual(['reconnecting', 'connected']);
    expect(relay.requests).toContain('resume');
    // Resumed, not rejoined: the same participant, transports and streams on both sides.
    expect(ann.peerId).toBe(annId);
    expect(fixture.host.rooms.get(roomId)!.peers.get(annId)).toBe(annPeer);
    expect(annPeer.closed).toBe(false);
    expect(ann.transports.send).toBe(transports.send);
    expect(ben.participants.get(annId)?.streamFor('camera')?.consumer.id).toBe(annAtBen.consumer.id);
    expect(seenByBen).toEqual([]);
    // The new connection is the one the host uses now.
    await ann.setHandRaised(true);
    await waitFor(() => ben.participants.get(annId)?.handRaised, "Ann's hand at Ben");
  });
});
