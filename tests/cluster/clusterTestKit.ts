import http from 'node:http';
import { Conference } from '../../renderer/src/conference';
import { countFrames, syntheticMedia } from '../support/wrtc';
import { rawClient, type RawClient } from '../support/rawClient';
import { waitFor } from '../support/testHost';
import type { HealthAnswer, HostProcess } from './hostProcess';

export const CLUSTER_SECRET = 'cluster-test-secret-0123456789abcdef';

/** Conferences and media made by a test, all undone by `cleanup()`. */
export class MeetingKit {
  readonly #cleanups: (() => unknown)[] = [];

  async join(url: string, roomId: string, displayName: string, ownerKey?: string): Promise<Conference> {
    const { conference, joined } = this.joining(url, roomId, displayName, ownerKey);
    await joined;
    return conference;
  }

  /** A join under way (it may wait in a waiting room): the conference at once, `joined` when it is in (its rejection handled by the caller). */
  joining(url: string, roomId: string, displayName: string, ownerKey?: string, passcode?: string): { conference: Conference; joined: Promise<void> } {
    const conference = new Conference({ url, handlerName: 'Chrome111' });
    this.#cleanups.push(() => conference.leave());
    return { conference, joined: conference.join({ roomId, displayName, ownerKey, passcode }) };
  }

  /**
   * A bare socket.io client at `url` (closed by `cleanup()`): a participant whose connection a test
   * drops and resumes with its token where it likes. `from`: its loopback source address (passcode
   * attempts are rate-limited per address).
   */
  async raw(url: string, from?: string): Promise<RawClient> {
    const client = await rawClient(url, from ? { agent: new http.Agent({ localAddress: from }) as never } : {});
    this.#cleanups.push(() => client.close());
    return client;
  }

  /** Starts sending a small synthetic camera (and mic) from `conference`. */
  async send(conference: Conference): Promise<void> {
    const media = syntheticMedia({ width: 160, height: 120, fps: 10 });
    this.#cleanups.push(() => media.stop());
    await conference.produceTrack(media.video, 'camera');
    await conference.produceTrack(media.audio, 'mic');
  }

  /** Resolves once `viewer` decodes `minFrames` new frames of `senderId`'s camera (the stream may be replaced meanwhile). */
  async decodes(viewer: Conference, senderId: () => string | undefined, what: string, timeoutMs = 20_000, minFrames = 3): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const id = senderId();
      const remote = id ? viewer.participants.get(id)?.streamFor('camera') : undefined;
      const track = remote?.stream.getVideoTracks()[0];
      if (track && track.readyState === 'live') {
        const frames = countFrames(track);
        try {
          await waitFor(() => frames.frames >= minFrames || track.readyState !== 'live', `${what}: frames`, Math.max(100, Math.min(5_000, deadline - Date.now()))).catch(() => undefined);
          if (frames.frames >= minFrames) return;
        } finally {
          frames.stop();
        }
      } else {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  async cleanup(): Promise<void> {
    for (const cleanup of this.#cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  }
}

/** `roomId` as a node's health lists it. */
export const roomOf = (health: HealthAnswer, roomId: string) => health.rooms.find((room) => room.id === roomId);

/** The node serving the participant(s) of `roomId` (the first of `nodes` listing it with peers), and the other one. */
export const servedAmong = async (roomId: string, [first, second]: [HostProcess, HostProcess]): Promise<[HostProcess, HostProcess]> =>
  (roomOf(await first.health(), roomId)?.peers ?? 0) > 0 ? [first, second] : [second, first];

/** Ids of the participants `viewer` saw leave from now on. */
export const watchLeaves = (viewer: Conference): string[] => {
  const left: string[] = [];
  viewer.on('participantLeft', (participant) => left.push(participant.id));
  return left;
};
