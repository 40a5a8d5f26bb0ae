/**
 * Issue 14 part 3 in the SDK: a large file sent while both participants send camera and mic must
 * not cost the sender its session. The sender's NetworkWatcher used to take the saturated send
 * transport for a dead path and rejoin mid-transfer ("Reconnecting…", transfer failed).
 * Real host, real sockets, @roamhq/wrtc clients.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestHost } from '../support/meetingFixture';
import { waitFor } from '../support/testHost';

const meeting = useTestHost();

describe('a large file sent during a meeting', () => {
  it('arrives intact and the sender stays connected throughout, with no repair', async () => {
    const room = meeting.newRoom('files');
    const ann = await meeting.joined(room, 'Ann');
    const ben = await meeting.joined(room, 'Ben');
    const annMedia = meeting.media();
    const benMedia = meeting.media();
    await ann.produceTrack(annMedia.video, 'camera');
    await ann.produceTrack(annMedia.audio, 'mic');
    await ben.produceTrack(benMedia.video, 'camera');
    await ben.produceTrack(benMedia.audio, 'mic');
    await waitFor(() => ben.participants.get(ann.peerId!)?.streamFor('camera') && ann.participants.get(ben.peerId!)?.streamFor('camera'), 'video both ways');

    const events: string[] = [];
    for (const [name, c] of [['Ann', ann], ['Ben', ben]] as const) {
      c.on('connectionStateChanged', ({ state, reason }) => events.push(`${name} ${state} ${reason ?? ''}`));
      c.on('networkRepair', ({ action, reason }) => events.push(`${name} ${action}: ${reason}`));
    }
    const bytes = randomBytes(20 * 1024 * 1024);
    const done = new Promise<string>((resolve, reject) =>
      ben.files.on('transfer', (t) => {
        if (t.direction !== 'incoming') return;
        if (t.state === 'done') resolve(t.url ?? '');
        else if (t.state === 'failed' || t.state === 'corrupted' || t.state === 'cancelled') reject(new Error(`${t.state}: ${t.message ?? ''} (${events.join('; ')})`));
      }),
    );
    const started = Date.now();
    await ann.files.send(new Blob([bytes]), { name: 'random.bin', to: ben.peerId! });
    await done;
    const seconds = (Date.now() - started) / 1000;
    const incoming = ben.files.list.find((t) => t.direction === 'incoming')!;
    expect(incoming.bytes).toBe(bytes.length);
    console.log(`20 MiB in ${seconds.toFixed(1)} s (${(20 / seconds).toFixed(1)} MiB/s); events: ${events.join('; ') || 'none'}`);
    expect(events).toEqual([]);
    expect(ann.state).toBe('connected');
    void createHash;
  }, 120_000);
});
