import { afterAll, afterEach, beforeAll } from 'vitest';
import { Conference, type JoinParams } from '../../renderer/src/conference';
import type { Host } from '../../electron/host/Host';
import type { HostConfigInput } from '../../electron/host/config';
import { installWrtcGlobals, syntheticMedia, type SyntheticMedia } from './wrtc';
import { startTestHost } from './testHost';

export interface MeetingFixture {
  /** The real host started for this describe block. */
  readonly host: Host;
  /** A Conference (Node WebRTC) against the host, or another URL (e.g. a fault relay); left after each test. */
  client(url?: string): Conference;
  /** A client that has joined `roomId`. */
  joined(roomId: string, displayName: string, extra?: Omit<JoinParams, 'roomId' | 'displayName'>): Promise<Conference>;
  /** Synthetic camera and mic, stopped after each test. */
  media(options?: Parameters<typeof syntheticMedia>[0]): SyntheticMedia;
  /** Runs after the current test (in reverse order of registration). */
  defer(cleanup: () => unknown): void;
  /** A room id not used before in this file. */
  newRoom(prefix?: string): string;
}

/**
 * One real host per describe block (beforeAll/afterAll) and per-test cleanup of every client and
 * media source the test made: the set-up each SDK-against-host test file used to repeat.
 */
export function useTestHost(overrides: HostConfigInput = {}): MeetingFixture {
  installWrtcGlobals();
  let host: Host | undefined;
  const cleanups: (() => unknown)[] = [];
  let rooms = 0;
  beforeAll(async () => {
    host = await startTestHost(overrides);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await host?.stop();
  });

  const fixture: MeetingFixture = {
    get host() {
      if (!host) throw new Error('the test host is started in beforeAll');
      return host;
    },
    client(url) {
      const conference = new Conference({ url: url ?? fixture.host.baseUrl, handlerName: 'Chrome111' });
      cleanups.push(() => conference.leave());
      return conference;
    },
    async joined(roomId, displayName, extra = {}) {
      const conference = fixture.client();
      await conference.join({ roomId, displayName, ...extra });
      return conference;
    },
    media(options) {
      const media = syntheticMedia(options);
      cleanups.push(() => media.stop());
      return media;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    newRoom(prefix = 'room') {
      return `${prefix}-${++rooms}`;
    },
  };
  return fixture;
}
