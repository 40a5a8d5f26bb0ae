import { describe, expect, it } from 'vitest';
import { Conference, type ConnectionState } from '../../renderer/src/conference';
import { waitFor } from '../support/testHost';
import { useTestHost } from '../support/meetingFixture';

/** Races between join, leave and a dropped connection (issue 10, items 1 and 10). */
describe('join under races', () => {
  const fixture = useTestHost();
  const { client, media } = fixture;


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
    await waitFor(() => fixture.host.rooms.get('race-leave')?.peers.size === 1, 'the host to drop the viewer');
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
    expect(fixture.host.rooms.get('idempotent')?.peers.size).toBe(1);
    await expect(conference.join({ ...params, roomId: 'elsewhere' })).rejects.toMatchObject({ code: 'already_joined' });
  });

  it('startJoin() on the click is taken over by the next join(), success or refusal, with one request each', async () => {
    const early = client();
    const joins = countJoins(early);
    early.startJoin({ roomId: 'early', displayName: 'Early' });
    await early.join({ roomId: 'early', displayName: 'Early' });
    expect(joins.count).toBe(1);
    expect(early.state).toBe('connected');

    const host1 = client();
    await host1.join({ roomId: 'early-locked', displayName: 'Host', ownerKey: fixture.host.ownerKey });
    await host1.setPasscode('secret');
    const guest = client();
    const guestJoins = countJoins(guest);
    guest.startJoin({ roomId: 'early-locked', displayName: 'Guest' });
    await expect(guest.join({ roomId: 'early-locked', displayName: 'Guest' })).rejects.toMatchObject({ code: 'unauthorized' });
    expect(guestJoins.count).toBe(1); // the refusal was reported once, not asked twice
    await guest.join({ roomId: 'early-locked', displayName: 'Guest', passcode: 'secret' });
    expect(guest.state).toBe('connected');
  });
});
