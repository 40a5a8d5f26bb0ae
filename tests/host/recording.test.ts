import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/testHost';
import { useTestHost } from '../support/meetingFixture';

describe('local recording: who may record, and everyone is told', () => {
  const fixture = useTestHost();
  let roomCounter = 0;
  const newRoom = () => `recording-${++roomCounter}`;


  const joined = (roomId: string, displayName: string, ownerKey?: string) => fixture.joined(roomId, displayName, { ownerKey });

  it('the host records; the others are told, and late joiners see it too', async () => {
    const room = newRoom();
    // Ann opens the host link: she is the room's host.
    const ann = await joined(room, 'Ann', fixture.host.ownerKey);
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
    const ann = await joined(room, 'Ann', fixture.host.ownerKey);
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
