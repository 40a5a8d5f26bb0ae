import { describe, expect, it } from 'vitest';
import type { Conference } from '../../renderer/src/conference';
import { installWrtcGlobals } from '../support/wrtc';
import { waitFor } from '../support/testHost';
import { SPANNING_ENV, useSpanningPair } from './spanningPair';

installWrtcGlobals();

/** Who `viewer` sees as host: itself ('self') or the ids of the participants it lists as host. */
const hostsSeenBy = (viewer: Conference): string[] => [...(viewer.localParticipant.isHost ? ['self'] : []), ...[...viewer.participants.values()].filter((p) => p.isHost).map((p) => p.id)];

/**
 * The host role of a meeting spanning nodes: one host for the whole meeting, decided by its home,
 * handed to a participant on another node when nobody is left on the host's node; and that host's
 * waiting room (which stays on the home) from whichever node the host is on. Real redis-server,
 * real host processes, SDK clients.
 */
describe('the host of a meeting spanning two nodes', () => {
  const pair = useSpanningPair('host');
  const { kit } = pair;

  it('the host leaves: the role passes to the longest-present participant wherever it is, exactly one host, seen on every node', async () => {
    const hana = await kit.join(pair.a.url, 'handover', 'Hana', SPANNING_ENV.ROUNDTABLE_ADMIN_TOKEN);
    const [home, satellite] = await pair.servedBy('handover');
    const ivo = await kit.join(satellite.url, 'handover', 'Ivo');
    const kim = await kit.join(satellite.url, 'handover', 'Kim');
    await waitFor(() => hana.participants.size === 2 && ivo.participants.size === 2 && kim.participants.size === 2, 'everyone listed everywhere', 10_000);
    expect(hostsSeenBy(ivo)).toEqual([hana.peerId]);

    // Nobody is left on the host's node: the role goes to Ivo, on the other node.
    await hana.leave();
    await waitFor(() => ivo.localParticipant.isHost && hostsSeenBy(kim).includes(ivo.peerId!), 'Ivo is host, and Kim sees it', 10_000);
    expect(hostsSeenBy(ivo)).toEqual(['self']);
    expect(hostsSeenBy(kim)).toEqual([ivo.peerId]);
    // His host controls work where he is.
    await ivo.setLocked(true);
    await waitFor(() => kim.locked, 'Kim sees the lock', 5_000);
    await ivo.setLocked(false);

    // A newcomer on the home sees Ivo as host; then Ivo leaves too: Kim (there longer) takes over, and only Kim.
    const rae = await kit.join(home.url, 'handover', 'Rae');
    await waitFor(() => hostsSeenBy(rae).includes(ivo.peerId!), 'Rae sees Ivo as host', 10_000);
    await ivo.leave();
    await waitFor(() => kim.localParticipant.isHost && hostsSeenBy(rae).includes(kim.peerId!), 'Kim is host, Rae sees it', 10_000);
    // Give a second decision (a node picking on its own) time to show.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(hostsSeenBy(kim)).toEqual(['self']);
    expect(hostsSeenBy(rae)).toEqual([kim.peerId]);
    await kim.setLocked(true);
    await waitFor(() => rae.locked, 'Rae sees Kim\'s lock', 5_000);
  }, 120_000);

  it('a host on the other node sees the home\'s waiting room: knocks from either node, Admit, Deny, Admit all; a new host gets the list', async () => {
    const hana = await kit.join(pair.a.url, 'lobby', 'Hana', SPANNING_ENV.ROUNDTABLE_ADMIN_TOKEN);
    const [home, satellite] = await pair.servedBy('lobby');
    const ivo = await kit.join(satellite.url, 'lobby', 'Ivo');
    await hana.waitingRoom.setEnabled(true);
    const knocks: string[] = [];
    ivo.waitingRoom.on('knock', (entry) => knocks.push(entry.displayName));

    // Kay knocks at the home; the host leaves while she waits: the new host, on the other node, sees her.
    const kay = kit.joining(home.url, 'lobby', 'Kay');
    await waitFor(() => kay.conference.state === 'waiting' && hana.waitingRoom.entries.length === 1, 'Kay waits, Hana sees her', 10_000);
    await hana.leave();
    await waitFor(() => ivo.localParticipant.isHost && ivo.waitingRoom.entries.length === 1, 'Ivo is host and sees Kay waiting', 10_000);
    expect(ivo.waitingRoom.entries[0]?.displayName).toBe('Kay');
    await ivo.waitingRoom.admit(ivo.waitingRoom.entries[0]!.id);
    await kay.joined;
    await waitFor(() => ivo.waitingRoom.entries.length === 0, 'the list is empty again', 5_000);

    // Lee knocks at the satellite: the host there hears the knock and turns him away.
    const lee = kit.joining(satellite.url, 'lobby', 'Lee');
    const refused = lee.joined.then(() => undefined, (error: unknown) => error);
    await waitFor(() => ivo.waitingRoom.entries.length === 1, 'Lee\'s knock', 10_000);
    expect(knocks).toEqual(['Lee']);
    await ivo.waitingRoom.deny(ivo.waitingRoom.entries[0]!.id);
    expect(await refused).toMatchObject({ code: 'denied', message: 'The host did not let you in' });

    // One knock at each node: Admit all lets both in.
    const mo = kit.joining(home.url, 'lobby', 'Mo');
    const nia = kit.joining(satellite.url, 'lobby', 'Nia');
    await waitFor(() => ivo.waitingRoom.entries.length === 2, 'two knocks', 10_000);
    expect(await ivo.waitingRoom.admitAll()).toBe(2);
    await Promise.all([mo.joined, nia.joined]);
    expect([...knocks].sort()).toEqual(['Lee', 'Mo', 'Nia']);
    await waitFor(() => ivo.participants.size === 3, 'Ivo lists Kay, Mo and Nia', 10_000);
  }, 120_000);
});
