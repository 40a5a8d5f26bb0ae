import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import type { Host } from '../../electron/host/Host';
import { installWrtcGlobals } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';

installWrtcGlobals();

describe('local recording: who may record, and everyone is told', () => {
  let host: Host;
  const cleanups: (() => unknown)[] = [];
  let roomCounter = 0;
  const newRoom = () => `recording-${++roomCounter}`;

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await host.stop();
  });

  async function joined(roomId: string, displayName: string, ownerKey?: string): Promise<Conference> {
    const conference = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    cleanups.push(() => conference.leave());
    await conference.join({ roomId, displayName, ownerKey });
    return conference;
  }

  it('the host records; the others are told, and late joiners see it too', async () => {
    const room = newRoom();
    // Ann opens the host link: she is the room's host.
    const ann = await joined(room, 'Ann', host.ownerKey);
    const ben = await joined(room, 'Ben');
    expect(ann.localParticipant.isHost).toBe(true);
    const told = new Promise<{ participantId: string; recording: boolean }>((resolve) => ben.once('recordingChanged', resolve));
    await ann.setRecording(true);
    expect(await told).toEqual({ participantId: ann.peerId, recording: true });
    expect(ben.participants.get(ann.peerId!)?.recording).toBe(true);

    const late = await joined(room, 'Late');
    expect(late.participants.get(ann.peerId!)?.recording).toBe(true);

    await ann.setRecording(false);
    await waitFor(() => ben.participants.get(ann.peerId!)?.recording === false && late.participants.get(ann.peerId!)?.recording === false, 'stop seen');
  });

  it('others may record only when the host allows it; only the host decides', async () => {
    const room = newRoom();
    // Ann opens the host link: she is the room's host.
    const ann = await joined(room, 'Ann', host.ownerKey);
    const ben = await joined(room, 'Ben');
    await expect(ben.setRecording(true)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(ben.recording).toBe(false);
    await expect(ben.allowRecording(true)).rejects.toMatchObject({ code: 'unauthorized' });

    const allowed = new Promise<boolean>((resolve) => ben.once('recordingAllowed', resolve));
    await ann.allowRecording(true);
    expect(await allowed).toBe(true);
    expect(ben.recordingAllowed).toBe(true);
    expect((await joined(room, 'Late')).recordingAllowed).toBe(true);

    const told = new Promise<{ participantId: string }>((resolve) => ann.once('recordingChanged', resolve));
    await ben.setRecording(true);
    expect((await told).participantId).toBe(ben.peerId);
  });
});
