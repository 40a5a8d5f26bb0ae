import { expect, type Page } from '@playwright/test';
import { expectLiveVideo, joinWith, test, tileOf } from './support';
import { backgroundPicture, personOverPattern, personOverPatternLayout, pictureColour, type Region } from './media/fixtures';
import { launchWithFakeMedia } from './media/launch';

test.describe.configure({ timeout: 180_000 });

interface RegionStats {
  /** Variance of the Laplacian of the grey image: high for sharp detail, near 0 for a blur or a plain colour. */
  detail: number;
  r: number;
  g: number;
  b: number;
}
interface Sharpness {
  background: RegionStats;
  face: RegionStats;
  width: number;
}

/**
 * What `viewer` decodes from `sender`'s camera (the tile's <video>): the background and face
 * regions' detail and mean colour, averaged over 5 decoded frames, drawn at 320×240 whatever
 * arrives. `throughWidth`: each frame is first drawn that wide (what a frame sent at that width
 * keeps), the reference for a picture that arrives smaller.
 */
async function sharpness(viewer: Page, sender: string, throughWidth?: number): Promise<Sharpness> {
  return tileOf(viewer, sender)
    .locator('video')
    .evaluate(async (video: HTMLVideoElement, { regions, throughWidth }: { regions: Record<'background' | 'face', Region>; throughWidth?: number }) => {
      const W = 320;
      const H = 240;
      const canvas = document.createElement('canvas');
      canvas.width = W;
      canvas.height = H;
      const context = canvas.getContext('2d', { willReadFrequently: true })!;
      context.imageSmoothingQuality = 'high';
      const measure = (pixels: Uint8ClampedArray, region: Region) => {
        const x0 = Math.round(region.x0 * W) + 1;
        const x1 = Math.round(region.x1 * W) - 1;
        const y0 = Math.round(region.y0 * H) + 1;
        const y1 = Math.round(region.y1 * H) - 1;
        const grey = (x: number, y: number) => {
          const i = (y * W + x) * 4;
          return 0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]!;
        };
        let sum = 0;
        let sumSquares = 0;
        let n = 0;
        let r = 0;
        let g = 0;
        let b = 0;
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            const laplacian = 4 * grey(x, y) - grey(x - 1, y) - grey(x + 1, y) - grey(x, y - 1) - grey(x, y + 1);
            sum += laplacian;
            sumSquares += laplacian * laplacian;
            const i = (y * W + x) * 4;
            r += pixels[i]!;
            g += pixels[i + 1]!;
            b += pixels[i + 2]!;
            n++;
          }
        }
        return { detail: sumSquares / n - (sum / n) ** 2, r: r / n, g: g / n, b: b / n };
      };
      const samples: { background: ReturnType<typeof measure>; face: ReturnType<typeof measure> }[] = [];
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
        if (throughWidth && throughWidth < video.videoWidth) {
          const small = document.createElement('canvas');
          small.width = throughWidth;
          small.height = Math.round((throughWidth * video.videoHeight) / video.videoWidth);
          small.getContext('2d')!.drawImage(video, 0, 0, small.width, small.height);
          context.drawImage(small, 0, 0, W, H);
        } else {
          context.drawImage(video, 0, 0, W, H);
        }
        const pixels = context.getImageData(0, 0, W, H).data;
        samples.push({ background: measure(pixels, regions.background), face: measure(pixels, regions.face) });
      }
      const average = (pick: (s: (typeof samples)[number]) => ReturnType<typeof measure>) => {
        const all = samples.map(pick);
        const mean = (key: 'detail' | 'r' | 'g' | 'b') => all.reduce((total, s) => total + s[key], 0) / all.length;
        return { detail: mean('detail'), r: mean('r'), g: mean('g'), b: mean('b') };
      };
      return { background: average((s) => s.background), face: average((s) => s.face), width: video.videoWidth };
    }, { regions: personOverPatternLayout, throughWidth });
}

async function chooseBackground(page: Page, choose: (settings: ReturnType<Page['getByRole']>) => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Audio and video' });
  await choose(settings);
  await settings.getByRole('button', { name: 'Done' }).click();
}

/** Fails with what the sender was told, if the app turned the effect off (too slow, or broken). */
async function expectEffectStillOn(sender: Page): Promise<void> {
  const alerts = await sender.getByRole('alert').allTextContents();
  expect(alerts.filter((text) => /background effect/i.test(text)), 'alerts about the background effect at the sender').toEqual([]);
}

/** Runs `wait`; if it fails, says what the sender's page was told (an effect that did not start says why). */
async function withSenderAlerts(sender: Page, wait: () => Promise<void>): Promise<void> {
  try {
    await wait();
  } catch (error) {
    const alerts = await sender.getByRole('alert').allTextContents().catch(() => []);
    throw new Error(`${(error as Error).message}\nalerts at the sender: ${JSON.stringify(alerts)}`, { cause: error });
  }
}

/**
 * The person keeps at least half her detail (against the plain picture at the width it arrives
 * in), while the background still shows none of the pattern. Polled: right after the background
 * switches, the whole picture changes at once and the encoder spends a few seconds at a coarse
 * quantiser (a CI run: face 231 against 1737 in the first sample at 320 px), which is the
 * encoder catching up, not the effect eating the face. A face the effect does eat stays under.
 */
async function expectFaceKept(
  measure: () => Promise<Sharpness>,
  effect: string,
  keep: (s: Sharpness) => void,
  plainAt: (width: number) => Sharpness,
  noPatternDetail: number,
): Promise<void> {
  let last: Sharpness | undefined;
  await expect
    .poll(
      async () => {
        last = await measure();
        keep(last);
        return last.background.detail <= noPatternDetail && last.face.detail >= plainAt(last.width).face.detail * 0.5;
      },
      { message: `the face keeps half its detail with ${effect} (the background still without the pattern)`, timeout: 20_000 },
    )
    .toBe(true)
    .catch((error: Error) => {
      const s = last!;
      throw new Error(
        `${error.message}\nlast sample: face ${s.face.detail.toFixed(0)} against plain ${plainAt(s.width).face.detail.toFixed(0)} at ${s.width} px; background ${s.background.detail.toFixed(0)} (bound ${noPatternDetail.toFixed(0)})`,
        { cause: error },
      );
    });
}

// eslint-disable-next-line no-empty-pattern -- Playwright needs the fixtures argument destructured
test('background blur and picture at the sender: the receiver sees the pattern blurred or replaced, the person kept', async ({}, testInfo) => {
  const browser = await launchWithFakeMedia(testInfo, { video: await personOverPattern() });
  const picture = await backgroundPicture();
  try {
    const room = `background-${Date.now()}`;
    const alice = await joinWith(browser, room, 'Alice');
    const bob = await joinWith(browser, room, 'Bob');
    await expectLiveVideo(bob, 'Alice');

    const plain = await sharpness(bob, 'Alice');
    // The effect loads the sender's CPU, and its encoder may send smaller frames while it runs
    // (CI runs and this machine: 240, 120 and 80 px wide against 320, for 30 s and more). A face
    // is judged against the plain picture at the width it arrived in.
    const plainThrough = new Map<number, Sharpness>();
    for (const width of [240, 160, 120, 80]) plainThrough.set(width, await sharpness(bob, 'Alice', width));
    const plainAt = (width: number) => (width >= plain.width ? plain : [...plainThrough].filter(([w]) => w >= width).at(-1)?.[1] ?? plain);
    // A blurred or replaced background keeps next to none of the pattern's detail (measured 0). The
    // bound is far below a fifth: one frame still showing the pattern in a 5-frame sample (the
    // switch, or a frame that escaped the effect) is a fifth, and must not pass.
    const noPatternDetail = plain.background.detail / 20;
    // The pattern really arrives sharp without the effect (else "blurred" would prove nothing).
    expect(plain.background.detail, 'background detail without the effect').toBeGreaterThan(1000);

    await chooseBackground(alice, (settings) => settings.getByRole('radio', { name: 'Blur' }).check());
    let blurred = plain;
    await withSenderAlerts(alice, () =>
      expect
        .poll(async () => (blurred = await sharpness(bob, 'Alice')).background.detail, { message: 'the background loses its detail at the receiver', timeout: 40_000 })
        .toBeLessThanOrEqual(noPatternDetail),
    );
    await expectEffectStillOn(alice);
    await expectFaceKept(() => sharpness(bob, 'Alice'), 'blur', (s) => (blurred = s), plainAt, noPatternDetail);

    await chooseBackground(alice, async (settings) => {
      await settings.getByRole('radio', { name: 'Picture' }).check();
      await settings.getByLabel('Choose a picture').setInputFiles(picture);
    });
    let replaced = plain;
    const distance = (s: RegionStats) => Math.max(Math.abs(s.r - pictureColour.r), Math.abs(s.g - pictureColour.g), Math.abs(s.b - pictureColour.b));
    // Both in one sample (a mean over 5 frames): a sample that straddles the switch has the
    // picture's colour on average while one of its frames still shows the pattern's detail.
    await withSenderAlerts(alice, () =>
      expect
        .poll(
          async () => {
            replaced = await sharpness(bob, 'Alice');
            return distance(replaced.background) <= 30 && replaced.background.detail <= noPatternDetail;
          },
          { message: 'the picture replaces the pattern at the receiver (its colour, none of the pattern\'s detail)', timeout: 40_000 },
        )
        .toBe(true),
    );
    await expectEffectStillOn(alice);
    await expectFaceKept(() => sharpness(bob, 'Alice'), 'the picture', (s) => (replaced = s), plainAt, noPatternDetail);
    expect(distance(replaced.background), 'the picture\'s colour while the face is measured').toBeLessThanOrEqual(30);

    const figures = { plain, plainThrough: Object.fromEntries(plainThrough), blurred, replaced };
    testInfo.annotations.push({ type: 'sharpness', description: JSON.stringify(figures) });
    console.log(
      `background detail: plain ${plain.background.detail.toFixed(0)}, blurred ${blurred.background.detail.toFixed(0)}, picture ${replaced.background.detail.toFixed(0)}; ` +
        `face detail: plain ${plain.face.detail.toFixed(0)} (through ${[...plainThrough].map(([w, f]) => `${w}: ${f.face.detail.toFixed(0)}`).join(', ')}), blurred ${blurred.face.detail.toFixed(0)}, picture ${replaced.face.detail.toFixed(0)}; widths ${plain.width}/${blurred.width}/${replaced.width}`,
    );
  } finally {
    await browser.close();
  }
});
