/**
 * Load clients must not outrank what they load: libwebrtc (inside @roamhq/wrtc) puts its audio
 * thread at real-time priority when the process may, and as root on two cores a few load processes
 * starved the host under test. Through the test globals, a process's threads go back to normal
 * scheduling within about a second.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { expect, it } from 'vitest';
import { realtimeThreadsOf } from './realtimeThreads';
import { installWrtcGlobals } from './wrtc';

const isRoot = process.platform === 'linux' && os.userInfo().uid === 0;

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

it.skipIf(!isRoot)('a thread raised to real-time, and wrtc’s own threads, are back at normal scheduling within 2.5 s', async () => {
  // What libwebrtc does to its audio thread, done to this process's main thread.
  execFileSync('chrt', ['--fifo', '--pid', '10', String(process.pid)]);
  expect(realtimeThreadsOf(process.pid)).toContain(String(process.pid));

  installWrtcGlobals();
  const pc = new RTCPeerConnection();
  pc.addTransceiver('audio', { direction: 'recvonly' });
  await pc.setLocalDescription(await pc.createOffer());
  try {
    expect(await until(() => realtimeThreadsOf(process.pid).length === 0, 2_500), `still real-time: ${realtimeThreadsOf(process.pid).join(', ')}`).toBe(true);
  } finally {
    pc.close();
  }
});
