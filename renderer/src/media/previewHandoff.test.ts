import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { holdPreviewForMeeting, registerPreview, releasePreview, takePreviewTracks } from './previewHandoff';

/** A device stream whose tracks record being stopped. */
function deviceStream(): MediaStream & { stopped: () => boolean[] } {
  const tracks = (['audio', 'video'] as const).map((kind) => {
    const track = { kind, readyState: 'live', stop: vi.fn(() => (track.readyState = 'ended')) };
    return track;
  });
  return { getTracks: () => tracks, stopped: () => tracks.map((track) => track.readyState === 'ended') } as unknown as MediaStream & { stopped: () => boolean[] };
}

describe('the pre-join preview handed to the meeting', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    takePreviewTracks().forEach((track) => track.stop());
    vi.useRealTimers();
  });

  it('closes the devices when the preview goes away without a join', () => {
    const preview = deviceStream();
    registerPreview(preview);
    releasePreview(preview);
    expect(preview.stopped()).toEqual([true, true]);
    expect(takePreviewTracks()).toEqual([]);
  });

  it('keeps them open across the switch to the meeting, which takes them; the preview leaving later closes nothing', () => {
    const preview = deviceStream();
    registerPreview(preview);
    holdPreviewForMeeting();
    releasePreview(preview);
    expect(preview.stopped()).toEqual([false, false]);
    expect(takePreviewTracks().map((track) => track.kind)).toEqual(['audio', 'video']);
    releasePreview(preview);
    vi.advanceTimersByTime(60_000);
    expect(preview.stopped()).toEqual([false, false]);
  });

  it('a preview still on screen when the meeting takes its devices (the waiting room) does not close them as it goes', () => {
    const preview = deviceStream();
    registerPreview(preview);
    expect(takePreviewTracks()).toHaveLength(2);
    releasePreview(preview);
    expect(preview.stopped()).toEqual([false, false]);
  });

  it('closes held devices the meeting did not take in time, or when a new preview opens', () => {
    const first = deviceStream();
    registerPreview(first);
    holdPreviewForMeeting();
    releasePreview(first);
    vi.advanceTimersByTime(15_000);
    expect(first.stopped()).toEqual([true, true]);
    expect(takePreviewTracks()).toEqual([]);

    const second = deviceStream();
    registerPreview(second);
    holdPreviewForMeeting();
    releasePreview(second);
    const third = deviceStream();
    registerPreview(third);
    expect(second.stopped()).toEqual([true, true]);
    expect(takePreviewTracks()).toHaveLength(2);
  });

  it('hands over only live tracks', () => {
    const preview = deviceStream();
    registerPreview(preview);
    preview.getTracks()[1]!.stop();
    expect(takePreviewTracks().map((track) => track.kind)).toEqual(['audio']);
  });
});
