import type { types } from 'mediasoup-client';
import { describe, expect, it, vi } from 'vitest';
import { RoomState } from './RoomState';

function roomWithCamera(options: { producerPaused?: boolean } = {}) {
  const emit = vi.fn();
  const room = new RoomState(emit);
  room.applyJoin(
    {
      peerId: 'me',
      isHost: false,
      locked: false,
      peers: [{ id: 'ann', displayName: 'Ann', isHost: false, handRaised: false, producers: [{ id: 'p1', kind: 'video', source: 'camera', paused: options.producerPaused ?? false }] }],
      chatHistory: [],
    },
    'Me',
  );
  const consumer = { id: 'c1', producerId: 'p1', paused: false, closed: false } as unknown as types.Consumer;
  const ann = room.participants.get('ann')!;
  ann.streams.set('c1', { consumer, source: 'camera', stream: {} as MediaStream });
  emit.mockClear();
  return { room, emit, ann, consumer };
}

describe('a stream the host forwards no layer of (starved)', () => {
  it('is marked while the host sends no layer of a wanted stream, and cleared when a layer comes back', () => {
    const { room, emit, ann } = roomWithCamera();
    room.consumerLayers({ consumerId: 'c1', spatialLayer: null, temporalLayer: null });
    expect(ann.streams.get('c1')!.starved).toBe(true);
    expect(emit).toHaveBeenCalledWith('participantUpdated', ann);
    emit.mockClear();
    room.consumerLayers({ consumerId: 'c1', spatialLayer: null, temporalLayer: null });
    expect(emit).not.toHaveBeenCalled(); // no change, no update
    room.consumerLayers({ consumerId: 'c1', spatialLayer: 0, temporalLayer: 1 });
    expect(ann.streams.get('c1')!.starved).toBe(false);
    expect(emit).toHaveBeenCalledWith('participantUpdated', ann);
  });

  it('is not marked when the stream is paused on purpose (a hidden tile, or the camera turned off)', () => {
    const paused = roomWithCamera();
    (paused.consumer as { paused: boolean }).paused = true;
    paused.room.consumerLayers({ consumerId: 'c1', spatialLayer: null, temporalLayer: null });
    expect(paused.ann.streams.get('c1')!.starved ?? false).toBe(false);

    const cameraOff = roomWithCamera({ producerPaused: true });
    cameraOff.room.consumerLayers({ consumerId: 'c1', spatialLayer: null, temporalLayer: null });
    expect(cameraOff.ann.streams.get('c1')!.starved ?? false).toBe(false);
    expect(cameraOff.emit).not.toHaveBeenCalled();
  });
});
