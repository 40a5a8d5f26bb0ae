/**
 * Issue 14 part 2, client SDK against the real host: the `waiting` connection state, the host's
 * WaitingRoomControls (list, knock, Admit / Deny), a denial as a typed ConnectionError, and
 * leave() while waiting (cancelled, and the host forgets the knock).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Conference, ConferenceError, type ConnectionState } from '../../renderer/src/conference';
import type { Host } from '../../electron/host/Host';
import type { WaitingEntry } from '../../shared/protocol';
import { installWrtcGlobals } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';

installWrtcGlobals();

describe('waiting room through the client SDK', () => {
  let host: Host;
  const cleanups: (() => unknown)[] = [];
  let roomCounter = 0;
  const newRoom = () => `waiting-sdk-${++roomCounter}`;

  beforeAll(async () => {
    host = await startTestHost({ waitingRoom: true });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await host.stop();
  });

  function conference(): Conference {
    const c = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    cleanups.push(() => c.leave());
    return c;
  }
  function states(c: Conference): ConnectionState[] {
    const seen: ConnectionState[] = [];
    c.on('connectionStateChanged', ({ state }) => seen.push(state));
    return seen;
  }
  async function hostOf(roomId: string) {
    const c = conference();
    const knocks: WaitingEntry[] = [];
    c.waitingRoom.on('knock', (entry) => knocks.push(entry));
    await c.join({ roomId, displayName: 'Host', ownerKey: host.ownerKey });
    expect(c.localParticipant.isHost).toBe(true);
    expect(c.waitingRoom.enabled).toBe(true);
    return { c, knocks };
  }

  it('waits, then joins normally once the host admits; the host heard the knock', async () => {
    const room = newRoom();
    const owner = await hostOf(room);
    const guest = conference();
    const seen = states(guest);
    const joining = guest.join({ roomId: room, displayName: 'Guest' });
    await waitFor(() => guest.state === 'waiting', 'the guest to wait');
    await waitFor(() => owner.c.waitingRoom.entries.length === 1, 'the host to see the knock');
    expect(owner.knocks.map((k) => k.displayName)).toEqual(['Guest']);
    expect(guest.participants.size).toBe(0);
    await owner.c.waitingRoom.admit(owner.c.waitingRoom.entries[0]!.id);
    await joining;
    expect(seen).toEqual(['connecting', 'waiting', 'connected']);
    expect([...guest.participants.values()].map((p) => p.displayName)).toEqual(['Host']);
    await waitFor(() => owner.c.participants.size === 1 && owner.c.waitingRoom.entries.length === 0, 'the host to see the guest in');
  });

  it('a denied guest gets a typed error with the clear message and ends disconnected', async () => {
    const room = newRoom();
    const owner = await hostOf(room);
    const guest = conference();
    const joining = guest.join({ roomId: room, displayName: 'Stranger' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await waitFor(() => owner.c.waitingRoom.entries.length === 1, 'the knock');
    await owner.c.waitingRoom.deny(owner.c.waitingRoom.entries[0]!.id);
    const error = await joining;
    // Like every refusal by the host (wrong passcode, locked): a ConferenceError with its code.
    expect(error).toBeInstanceOf(ConferenceError);
    expect(error).toMatchObject({ code: 'denied', message: 'The host did not let you in' });
    expect(guest.state).toBe('disconnected');
  });

  it('leave() while waiting cancels the join and the host forgets the knock', async () => {
    const room = newRoom();
    const owner = await hostOf(room);
    const guest = conference();
    const joining = guest.join({ roomId: room, displayName: 'Impatient' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await waitFor(() => guest.state === 'waiting' && owner.c.waitingRoom.entries.length === 1, 'the wait');
    await guest.leave();
    expect(await joining).toMatchObject({ code: 'cancelled' });
    expect(guest.state).toBe('disconnected');
    await waitFor(() => owner.c.waitingRoom.entries.length === 0, 'the knock to be forgotten');
    expect(host.rooms.get(room)!.meetingState.admission.waiting.size).toBe(0);
  });

  it('the host turns the waiting room off from the SDK; everyone waiting gets in and the room is told', async () => {
    const room = newRoom();
    const owner = await hostOf(room);
    const first = conference();
    const firstJoin = first.join({ roomId: room, displayName: 'First' });
    await waitFor(() => owner.c.waitingRoom.entries.length === 1, 'the knock');
    await owner.c.waitingRoom.admit(owner.c.waitingRoom.entries[0]!.id);
    await firstJoin;
    expect(first.waitingRoom.enabled).toBe(true);
    const second = conference();
    const secondJoin = second.join({ roomId: room, displayName: 'Second' });
    await waitFor(() => second.state === 'waiting', 'the second to wait');
    const told = new Promise<boolean>((resolve) => first.waitingRoom.once('enabledChanged', resolve));
    await owner.c.waitingRoom.setEnabled(false);
    await secondJoin;
    expect(await told).toBe(false);
    expect(second.state).toBe('connected');
  });
});
