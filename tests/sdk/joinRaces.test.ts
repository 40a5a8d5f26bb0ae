import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Conference, type ConnectionState } from '../../renderer/src/conference';
import type { Host } from '../../electron/host/Host';
import { installWrtcGlobals, syntheticMedia, type SyntheticMedia } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';

installWrtcGlobals();

/** Races between join, leave and a dropped connection (issue 10, items 1 and 10). */
describe('join under races', () => {
  let host: Host;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await host.stop();
  });

  function client(): Conference {
    const conference = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    cleanups.push(() => conference.leave());
    return conference;
  }
  function media(): SyntheticMedia {
    const m = syntheticMedia();
    cleanups.push(() => m.stop());
    return m;
  }
  function recordStates(conference: Conference): ConnectionState[] {
    const states: ConnectionState[] = [];
    conference.on('connectionStateChanged', ({ state }) => states.push(state));
    return states;
  }
  function countJoins(conference: Conference): { readonly count: number } {
    const counter = { count: 0 };
    conference.socket.onAnyOutgoing((event) => {
      if (event === 'join') counter.count++;
    });
    return counter;
  }
  async function roomWithCamera(roomId: string): Promise<void> {
    const sender = client();
    await sender.join({ roomId, displayName: 'Sender' });
    await sender.produceTrack(media().video, 'camera');
  }

  it('leave() during the join consumes ends disconnected, and the join reports it was cancelled', async () => {
    await roomWithCamera('race-leave');
    const viewer = client();
    const states = recordStates(viewer);
    // The first join-time stream is set up while join() still runs: leave exactly then.
    viewer.once('streamAdded', () => void viewer.leave());
    const outcome = await viewer.join({ roomId: 'race-leave', displayName: 'Viewer' }).then(
      () => 'resolved',
      (error: { code?: string }) => error.code,
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything still in flight has landed by now
    expect(outcome).toBe('cancelled');
    expect(viewer.state).toBe('disconnected');
    expect(states).not.toContain('connected');
    await waitFor(() => host.rooms.get('race-leave')?.peers.size === 1, 'the host to drop the viewer');
  });

  it('a drop while connecting fails the join (typed) and starts no reconnection beside it', async () => {
    await roomWithCamera('race-drop');
    const viewer = client();
    const states = recordStates(viewer);
    const joins = countJoins(viewer);
    viewer.once('streamAdded', () => viewer.socket.io.engine.close()); // the network drops mid-join
    const outcome = await viewer.join({ roomId: 'race-drop', displayName: 'Viewer' }).then(
      () => 'resolved',
      (error: { code?: string }) => error.code,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // longer than the first reconnect delay
    expect(outcome).toBe('disconnected');
    expect(states).toEqual(['connecting', 'disconnected']);
    expect(viewer.state).toBe('disconnected');
    expect(joins.count).toBe(1);
  });

  it('join() is idempotent: a second call with the same parameters joins once', async () => {
    const conference = client();
    const joins = countJoins(conference);
    const params = { roomId: 'idempotent', displayName: 'Twice' };
    const first = conference.join(params);
    const second = conference.join(params);
    await Promise.all([first, second]);
    await conference.join(params); // and again once connected
    expect(conference.state).toBe('connected');
    expect(joins.count).toBe(1);
    expect(host.rooms.get('idempotent')?.peers.size).toBe(1);
    await expect(conference.join({ ...params, roomId: 'elsewhere' })).rejects.toMatchObject({ code: 'already_joined' });
  });
});
