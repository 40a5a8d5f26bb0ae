import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Media fixtures for the fake camera and microphone, made from Debian packages at test time
 * (espeak-ng, sox, ffmpeg, python3-skimage; see .ci/run) and cached in test-results/. Nothing
 * large is committed and nothing is downloaded.
 */
const run = promisify(execFile);
const dir = path.resolve('test-results', 'media-fixtures');

async function cached(name: string, make: (file: string) => Promise<void>): Promise<string> {
  const file = path.join(dir, name);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const partial = `${file}.partial${path.extname(file)}`;
  await make(partial);
  fs.renameSync(partial, file);
  return file;
}

/** Words with 1.2 s pauses between phrases, over steady pink noise (a fan, a busy office): 48 kHz mono. */
export function speechInNoise(): Promise<string> {
  return cached('speech-in-noise.wav', async (file) => {
    const speech = path.join(dir, 'speech.wav');
    const phrases = ['Good morning everyone.', 'Let us look at the plan for this week.', 'The release is on Thursday.', 'Any questions so far?'];
    const ssml = `<speak>${phrases.join('<break time="1200ms"/>')}<break time="1200ms"/></speak>`;
    await run('espeak-ng', ['-m', '-s', '150', '-w', speech, ssml]);
    const speech48 = path.join(dir, 'speech48.wav');
    await run('sox', [speech, '-r', '48000', '-c', '1', '-b', '16', speech48, 'norm', '-3']);
    const { stdout } = await run('soxi', ['-D', speech48]);
    const noise = path.join(dir, 'noise.wav');
    await run('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', noise, 'synth', stdout.trim(), 'pinknoise', 'vol', '0.12']);
    await run('sox', ['-m', speech48, noise, '-b', '16', file]);
  });
}

/** Debian's Python, which has python3-skimage (a `python3` earlier on PATH, e.g. pyenv's, may not). */
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** A box in a frame, as fractions of its width and height (the same at any decoded resolution). */
export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Where things are in personOverPattern(), as fractions of the frame: `background` is all
 * pattern, far from the person; `face` is inside the person's outline (face and hair).
 */
export const personOverPatternLayout: { background: Region; face: Region } = {
  background: { x0: 16 / 640, y0: 24 / 480, x1: 136 / 640, y1: 456 / 480 },
  // The astronaut's face in the 512-pixel photo (175…275, 55…175), scaled by 400/512 and placed at (180, 80).
  face: { x0: (180 + 137) / 640, y0: (80 + 43) / 480, x1: (180 + 215) / 640, y1: (80 + 137) / 480 },
};

/**
 * A person in front of a detailed background: scikit-image's astronaut photo (a real portrait),
 * cut out along her head and shoulders (ellipse + polygon; the photo's own backdrop is dropped),
 * 400×400 at (180, 80) over a sharp 8-pixel checkerboard, as a 640×480 .y4m for the fake camera.
 */
export function personOverPattern(): Promise<string> {
  return cached('person-cutout-over-pattern.y4m', async (file) => {
    const png = path.join(dir, 'person-cutout-over-pattern.png');
    const script = [
      'import numpy as np, skimage.data, skimage.draw, skimage.transform, skimage.io',
      'h, w = 480, 640',
      'y, x = np.mgrid[0:h, 0:w]',
      'frame = (((x // 8) + (y // 8)) % 2 * 255).astype(np.uint8)',
      'frame = np.stack([frame] * 3, axis=-1)',
      'photo = skimage.data.astronaut()',
      'mask = np.zeros(photo.shape[:2], dtype=bool)',
      'mask[skimage.draw.ellipse(105, 225, 100, 82, shape=mask.shape)] = True',
      'rows = [150, 150, 200, 300, 511, 511, 330, 270, 200]',
      'cols = [140, 310, 330, 365, 370, 20, 25, 60, 110]',
      'mask[skimage.draw.polygon(rows, cols, shape=mask.shape)] = True',
      'person = (skimage.transform.resize(photo, (400, 400), anti_aliasing=True) * 255).astype(np.uint8)',
      'cut = skimage.transform.resize(mask.astype(float), (400, 400)) > 0.5',
      'region = frame[80:480, 180:580]',
      'region[cut] = person[cut]',
      `skimage.io.imsave(${JSON.stringify(png)}, frame)`,
    ].join('\n');
    await run(python, ['-c', script]);
    await run('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', png, '-t', '2', '-r', '15', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', file]);
  });
}

/** A plain picture (one known colour, 640×480 PNG) to choose as the background. */
export const pictureColour = { r: 42, g: 157, b: 143 };
export function backgroundPicture(): Promise<string> {
  return cached('background-picture.png', async (file) => {
    const hex = [pictureColour.r, pictureColour.g, pictureColour.b].map((c) => c.toString(16).padStart(2, '0')).join('');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x${hex}:s=640x480`, '-frames:v', '1', file]);
  });
}
