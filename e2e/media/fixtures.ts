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

/**
 * A person in front of a detailed background: scikit-image's astronaut photo (a real portrait)
 * on the right, over a fine checkerboard, as a 640×480 .y4m for the fake camera.
 */
export function personOverPattern(): Promise<string> {
  return cached('person-over-pattern.y4m', async (file) => {
    const png = path.join(dir, 'person-over-pattern.png');
    const script = [
      'import numpy as np, skimage.data, skimage.transform, skimage.io',
      'h, w = 480, 640',
      'y, x = np.mgrid[0:h, 0:w]',
      'frame = (((x // 4) + (y // 4)) % 2 * 255).astype(np.uint8)',
      'frame = np.stack([frame] * 3, axis=-1)',
      'person = (skimage.transform.resize(skimage.data.astronaut(), (400, 400), anti_aliasing=True) * 255).astype(np.uint8)',
      'frame[h - 400:, w - 400:] = person',
      `skimage.io.imsave(${JSON.stringify(png)}, frame)`,
    ].join('\n');
    await run('python3', ['-c', script]);
    await run('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', png, '-t', '2', '-r', '15', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', file]);
  });
}
