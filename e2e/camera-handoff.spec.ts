import { expect } from '@playwright/test';
import { expectLiveVideo, joinWith, openLobby, test, tileOf } from './support';

/** Counts the page's getUserMedia calls and the device tracks it stopped. */
const COUNT_DEVICE_OPENS = `(() => {
  const counts = { opened: 0, stopped: 0 };
  window.__deviceCounts = counts;
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (request) => {
    counts.opened++;
    const stream = await open(request);
    for (const track of stream.getTracks()) {
      const stop = track.stop.bind(track);
      track.stop = () => { counts.stopped++; stop(); };
    }
    return stream;
  };
})();`;

test('the camera and mic of the pre-join preview go on into the meeting: not closed and opened again', async ({ browser }) => {
  const room = `handoff-${Date.now()}`;
  const alice = await joinWith(browser, room, 'Alice');
  const bob = await openLobby(browser, 'Bob', { query: `?room=${room}&name=Bob` });
  await bob.addInitScript(COUNT_DEVICE_OPENS);
  await bob.reload();
  await expect(bob.getByTestId('camera-preview').locator('video')).toBeVisible();
  await bob.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(bob.locator('main.meeting')).toHaveAttribute('data-phase', 'joined');
  await expectLiveVideo(alice, 'Bob');
  await expect(tileOf(alice, 'Bob')).toBeVisible();
  const counts = await bob.evaluate(() => (window as unknown as { __deviceCounts: { opened: number; stopped: number } }).__deviceCounts);
  expect(counts).toEqual({ opened: 1, stopped: 0 });
});
