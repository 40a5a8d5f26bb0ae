import { expect, type Page } from '@playwright/test';
import { joinWith, test, type HookedWindow } from './support';
import { speechInNoise } from './media/fixtures';
import { launchWithFakeMedia } from './media/launch';

test.describe.configure({ timeout: 150_000 });

/**
 * The level of `sender`'s microphone as `page` receives it: RMS of 20 ms frames over `seconds`,
 * in dBFS. The noise floor between words is a low percentile of these frames.
 */
async function receivedLevels(page: Page, sender: string, seconds: number): Promise<number[]> {
  return page.evaluate(
    async ({ sender, seconds }) => {
      const conference = (window as HookedWindow).__roundtable!.conference;
      const participant = [...conference.participants.values()].find((p) => p.displayName === sender);
      const mic = participant && [...participant.streams.values()].find((s) => s.source === 'mic');
      if (!mic) throw new Error(`no microphone from ${sender}`);
      const context = new AudioContext();
      await context.resume();
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024; // ~21 ms at 48 kHz
      context.createMediaStreamSource(mic.stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const levels: number[] = [];
      const end = performance.now() + seconds * 1000;
      while (performance.now() < end) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += s * s;
        levels.push(10 * Math.log10(sum / samples.length + 1e-12));
      }
      await context.close();
      return levels;
    },
    { sender, seconds },
  );
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)]!;

// eslint-disable-next-line no-empty-pattern -- Playwright needs the fixtures argument destructured
test('noise suppression (on by default) lowers the noise floor between words by ≥ 10 dB at the receiver', async ({}, testInfo) => {
  const browser = await launchWithFakeMedia(testInfo, { audio: await speechInNoise() });
  try {
    const room = `noise-${Date.now()}`;
    const alice = await joinWith(browser, room, 'Alice');
    const bob = await joinWith(browser, room, 'Bob');
    await expect.poll(() => bob.evaluate(() => [...(window as HookedWindow).__roundtable!.conference.participants.values()].some((p) => p.streamFor('mic')))).toBe(true);

    // The fixture loops every ~10 s: listen for longer than one loop each time.
    await bob.waitForTimeout(2_000);
    const on = await receivedLevels(bob, 'Alice', 12);

    await alice.getByRole('button', { name: 'Settings' }).click();
    const settings = alice.getByRole('dialog', { name: 'Audio and video' });
    const toggle = settings.getByRole('checkbox', { name: 'Noise suppression' });
    await expect(toggle).toBeChecked();
    await toggle.uncheck();
    await settings.getByRole('button', { name: 'Done' }).click();
    await bob.waitForTimeout(2_000);
    const off = await receivedLevels(bob, 'Alice', 12);

    const floorOn = percentile(on, 0.1);
    const floorOff = percentile(off, 0.1);
    const speechOn = percentile(on, 0.95);
    const speechOff = percentile(off, 0.95);
    testInfo.annotations.push({ type: 'levels', description: JSON.stringify({ floorOn, floorOff, speechOn, speechOff }) });
    console.log(`noise floor: on ${floorOn.toFixed(1)} dBFS, off ${floorOff.toFixed(1)} dBFS; speech peaks: on ${speechOn.toFixed(1)}, off ${speechOff.toFixed(1)}`);
    // The noise is really there without suppression, and speech still comes through with it.
    expect(floorOff).toBeGreaterThan(-60);
    expect(speechOn).toBeGreaterThan(floorOn + 15);
    expect(floorOff - floorOn).toBeGreaterThanOrEqual(10);
  } finally {
    await browser.close();
  }
});
