import { describe, expect, it } from 'vitest';
import type { Conference } from '../../renderer/src/conference';
import { PRIORITY } from '../../electron/host/room/BandwidthPriority';
import { useTestHost } from '../support/meetingFixture';
import { waitFor } from '../support/testHost';

/**
 * When a receiver's link cannot carry every video, mediasoup serves consumers in order of priority:
 * a shared screen first, then the dominant speaker's camera, then the rest.
 */
describe('bandwidth priority (screen, then the speaker, then everyone else)', () => {
  const meeting = useTestHost();
  const { client } = meeting;

  /** Ann talks (her mic is the only one, so the real detector names her); Ben shares a screen. */
  async function sender(roomId: string, name: string, role: 'talks' | 'shares'): Promise<Conference> {
    const conference = client();
    await conference.join({ roomId, displayName: name });
    const media = meeting.media({ width: 160, height: 120, fps: 10 });
    await conference.produceTrack(media.video, 'camera');
    if (role === 'talks') await conference.produceTrack(media.audio, 'mic');
    else await conference.produceTrack(meeting.media({ width: 320, height: 180, fps: 5 }).video, 'screen');
    return conference;
  }

  it("follows the shared screen and the dominant speaker on every receiver's consumers", async () => {
    const roomId = meeting.newRoom('priority');
    const ann = await sender(roomId, 'Ann', 'talks');
    const ben = await sender(roomId, 'Ben', 'shares');
    const cat = client();
    await cat.join({ roomId, displayName: 'Cat' });
    const room = meeting.host.rooms.get(roomId)!;
    const consumersOfCat = () => [...room.peers.get(cat.peerId!)!.consumers.values()];
    await waitFor(() => (consumersOfCat().length === 4 ? true : undefined), 'Cat consumes two cameras, a mic and a screen');
    const priorities = () =>
      Object.fromEntries(consumersOfCat().map((c) => [`${c.appData.producerPeerId === ann.peerId ? 'ann' : 'ben'}-${c.appData.source}`, c.priority]));
    // The room's real speaker detector names Ann (the only mic): her camera goes first after the screen.
    await waitFor(() => (priorities()['ann-camera'] === PRIORITY.speaker ? true : undefined), "Ann's camera first as the speaker", 15_000);
    expect(priorities()).toEqual({ 'ann-camera': PRIORITY.speaker, 'ann-mic': 1, 'ben-camera': 1, 'ben-screen': PRIORITY.screen });

    // The detector names Ben (as it would when he starts talking): his camera goes first, Ann's back in line.
    room.media.speakers.emit('dominant', ben.peerId!);
    await waitFor(() => (priorities()['ben-camera'] === PRIORITY.speaker && priorities()['ann-camera'] === 1 ? true : undefined), "Ben's camera first, Ann's back in line");
    expect(priorities()).toEqual({ 'ann-camera': 1, 'ann-mic': 1, 'ben-camera': PRIORITY.speaker, 'ben-screen': PRIORITY.screen });

    // A consumer created while Ben speaks (Dan joins) starts with Ben's camera first.
    const dan = client();
    await dan.join({ roomId, displayName: 'Dan' });
    const ofDan = () => [...room.peers.get(dan.peerId!)!.consumers.values()].find((c) => c.appData.producerPeerId === ben.peerId && c.appData.source === 'camera');
    await waitFor(() => (ofDan()?.priority === PRIORITY.speaker ? true : undefined), "Dan gets Ben's camera first");
  }, 60_000);
});
