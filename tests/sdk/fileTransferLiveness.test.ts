/**
 * Issue 14 part 3: a file transfer that pauses is not a dead path, whatever else the transports
 * carry; a path that really dies during one is still found within about a second.
 * The NetworkWatcher used to judge silence on received payload: once a transfer paused (a slow
 * disk, back-pressure), a transport whose other traffic is sparse (a static screen share, data
 * channels only) fell silent, and it restarted ICE and rejoined ("Reconnecting…").
 * Real host, real sockets, @roamhq/wrtc clients.
 */
import { createHash, randomBytes } from 'node:crypto';
import { resolveObjectURL } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { Conference, FileTransfer } from '../../renderer/src/conference';
import { useTestHost, type MeetingFixture } from '../support/meetingFixture';
import { PausedFile } from '../support/pausedFile';
import { waitFor } from '../support/testHost';
import { staticScreen } from '../support/wrtc';

const MiB = 1024 ** 2;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const ENDED = ['done', 'corrupted', 'cancelled', 'failed'];

/** Every reconnect and network repair either participant reports, with its time. */
function repairsOf(conferences: Record<string, Conference>): { at: number; what: string }[] {
  const seen: { at: number; what: string }[] = [];
  for (const [name, c] of Object.entries(conferences)) {
    c.on('connectionStateChanged', ({ state, reason }) => seen.push({ at: Date.now(), what: `${name} ${state} ${reason ?? ''}` }));
    c.on('networkRepair', ({ action, reason }) => seen.push({ at: Date.now(), what: `${name} ${action}: ${reason}` }));
  }
  return seen;
}

function incoming(conference: Conference): Promise<FileTransfer> {
  return waitFor(() => conference.files.list.find((t) => t.direction === 'incoming' && ENDED.includes(t.state)), 'the incoming transfer to end', 30_000);
}

/** Ann sends Ben a file that stops being read for `pauseMs` after its first 3 MiB; Ben's copy must match. */
async function pausedTransfer(meeting: MeetingFixture, ann: Conference, ben: Conference, pauseMs: number): Promise<{ at: number; what: string }[]> {
  const repairs = repairsOf({ Ann: ann, Ben: ben });
  const bytes = randomBytes(8 * MiB);
  const file = new PausedFile(bytes, 3 * MiB);
  await ann.files.send(file, { name: 'slides.pdf', to: ben.peerId! });
  const states = () => `Ann: ${JSON.stringify(ann.files.list.map((t) => [t.state, t.bytes, t.message]))}, Ben: ${JSON.stringify(ben.files.list.map((t) => [t.state, t.bytes, t.message]))}, repairs: ${repairs.map((r) => r.what).join('; ')}`;
  await waitFor(() => file.reached, 'the sender to read up to the pause', 20_000).catch((error: Error) => {
    throw new Error(`${error.message} (${states()})`);
  });
  // What was read is delivered within moments; then neither transport carries file data.
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
  file.resume();
  const received = await incoming(ben).catch((error: Error) => {
    throw new Error(`${error.message} (${states()})`);
  });
  expect(received.state, received.message).toBe('done');
  expect(sha256(Buffer.from(await resolveObjectURL(received.url!)!.arrayBuffer()))).toBe(sha256(bytes));
  void meeting;
  return repairs;
}

describe('a file transfer that pauses', () => {
  const meeting = useTestHost();

  it('with data channels only (no camera or mic anywhere): no dead path, no reconnect, the file arrives intact', async () => {
    const room = meeting.newRoom('paused');
    const ann = await meeting.joined(room, 'Ann');
    const ben = await meeting.joined(room, 'Ben');
    const repairs = await pausedTransfer(meeting, ann, ben, 3_000);
    expect(repairs.map((r) => r.what)).toEqual([]);
    expect([ann.state, ben.state]).toEqual(['connected', 'connected']);
  }, 60_000);

  it('while the sender, without camera or mic, presents a still slide: no dead path on either side', async () => {
    const room = meeting.newRoom('paused');
    const ann = await meeting.joined(room, 'Ann');
    const ben = await meeting.joined(room, 'Ben');
    const slide = staticScreen();
    meeting.defer(() => slide.stop());
    await ann.produceTrack(slide.track, 'screen');
    await waitFor(() => ben.participants.get(ann.peerId!)?.streamFor('screen'), 'Ben to receive the screen share');
    const repairs = await pausedTransfer(meeting, ann, ben, 3_000);
    expect(repairs.map((r) => r.what)).toEqual([]);
    expect([ann.state, ben.state]).toEqual(['connected', 'connected']);
  }, 60_000);
});

describe('a path that dies during a file transfer (data channels only)', () => {
  // Its own host: its worker is frozen.
  const meeting = useTestHost();

  it('is found within the silence bound on both sides (the host stops answering on UDP, signaling still works)', async () => {
    const room = meeting.newRoom('dead');
    const ann = await meeting.joined(room, 'Ann');
    const ben = await meeting.joined(room, 'Ben');
    const repairs = repairsOf({ Ann: ann, Ben: ben });
    await ann.files.send(new Blob([randomBytes(64 * MiB)]), { name: 'big.bin', to: ben.peerId! });
    await waitFor(() => (ben.files.list[0]?.bytes ?? 0) >= 2 * MiB, 'the transfer to be under way');
    // The worker answers nothing on the media path any more (no SCTP, no STUN), while the host's
    // signaling in this process still does: what a firewall dropping UDP looks like.
    const pid = meeting.host.pool.slots[0]!.worker.pid;
    process.kill(pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    meeting.defer(() => void process.kill(pid, 'SIGCONT'));
    await waitFor(() => repairs.some((r) => r.what.startsWith('Ann')) && repairs.some((r) => r.what.startsWith('Ben')), 'both sides to notice', 10_000).catch(() => undefined);
    process.kill(pid, 'SIGCONT');
    const found = (name: string) => repairs.find((r) => r.what.startsWith(name));
    const after = (name: string) => ((found(name)?.at ?? Infinity) - stoppedAt) / 1000;
    console.log(`dead path found after ${after('Ann').toFixed(2)} s (sender), ${after('Ben').toFixed(2)} s (receiver): ${repairs.map((r) => r.what).join('; ')}`);
    // The old watcher left both to the browser's ICE state ('disconnected' after about 7.5 s).
    // The sender owes an answer for the file data it sends: silence (1 s) from the first unanswered
    // read, reads every 0.25 s. The receiver sends nothing but ICE consent checks, every 2.5 s on a
    // stable path: its bound is one check interval more (≈ 3.75 s; 5 s leaves room for a busy machine).
    for (const [name, bound] of [['Ann', 2.5], ['Ben', 5]] as const) {
      expect(found(name)?.what).toMatch(/nothing received/);
      expect(after(name)).toBeLessThan(bound);
    }
  }, 60_000);
});
