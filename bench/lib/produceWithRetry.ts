import type { Conference } from '../../renderer/src/conference';
import { sleep } from './common';

/**
 * A produce that a reconnect interrupted (the SDK stops the track it was given) is tried again
 * with a fresh clone of the source, up to 3 times, once the client is connected again.
 */
export async function produceWithRetry(conference: Conference, track: () => MediaStreamTrack, source: 'mic' | 'camera', failures: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await conference.produceTrack(track(), source);
      return;
    } catch (error) {
      failures.push(`${source}: ${(error as Error).message}`);
      if (attempt >= 3) return;
      const deadline = Date.now() + 30_000;
      while (conference.state !== 'connected' && Date.now() < deadline) await sleep(100);
    }
  }
}
