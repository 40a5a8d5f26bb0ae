import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from '@playwright/test';
import { joinWith, test, tileOf } from './support';

const run = promisify(execFile);

interface Probe {
  streams: { codec_type: string; codec_name: string }[];
  format: { duration?: string };
}

/** What ffprobe (Debian's ffmpeg) reads from the file's header. */
async function probe(file: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name', '-of', 'json', file]);
  return JSON.parse(stdout) as Probe;
}

/** Decodes the whole file; answers its video frames' timestamps (s). Throws on decode errors. */
async function videoFrameTimes(file: string): Promise<number[]> {
  const { stdout, stderr } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file]);
  expect(stderr.trim(), 'decode errors').toBe('');
  return stdout.trim().split('\n').map(Number).filter(Number.isFinite);
}

test.describe.configure({ timeout: 120_000 });

test('the host records 5 s of the meeting: everyone sees "Recording"; a playable WebM with video, audio and its duration', async ({ browser }, testInfo) => {
  const room = `recording-${Date.now()}`;
  // Alice opens the host link: she is the meeting's host and may record.
  const alice = await joinWith(browser, room, 'Alice', { ownerLink: true });
  const bob = await joinWith(browser, room, 'Bob');
  await expect(tileOf(alice, 'Bob')).toBeVisible();

  // Only the host may record until the host allows others.
  await expect(alice.getByRole('button', { name: 'Record', exact: true })).toBeEnabled();
  await expect(bob.getByRole('button', { name: 'Record', exact: true })).toHaveCount(0);

  const download = alice.waitForEvent('download');
  // Watched from before the click: status notices fade after a few seconds.
  const toldStart = expect(bob.getByText('Alice started recording this meeting.')).toBeVisible({ timeout: 30_000 });
  const clickedRecordAt = Date.now();
  await alice.getByRole('button', { name: 'Record', exact: true }).click({ timeout: 30_000 });
  const startedAt = Date.now();
  // Bob must see the indicator while the recording runs (watched from now, in parallel with the 5 s).
  const bobSawIndicator = expect(bob.getByTestId('recording-indicator')).toBeVisible({ timeout: 4_500 });
  await expect(alice.getByRole('button', { name: 'Stop recording' })).toBeVisible();
  await expect(alice.getByTestId('recording-indicator')).toBeVisible();
  await alice.waitForTimeout(Math.max(0, 5_000 - (Date.now() - startedAt)));
  const toldStop = expect(bob.getByText('Alice stopped recording.')).toBeVisible({ timeout: 30_000 });
  await alice.getByRole('button', { name: 'Stop recording' }).click({ timeout: 30_000 });
  // The page starts and stops the recorder somewhere inside these clicks: the file may be up to this long.
  const outerSeconds = (Date.now() - clickedRecordAt) / 1000;
  const file = testInfo.outputPath('meeting.webm');
  const saved = await download;
  expect(saved.suggestedFilename()).toMatch(new RegExp(`^Roundtable ${room} \\d{4}-\\d\\d-\\d\\d \\d\\d-\\d\\d\\.webm$`));
  await toldStart;
  await bobSawIndicator;
  await toldStop;
  await expect(bob.getByTestId('recording-indicator')).toHaveCount(0);
  await saved.saveAs(file);

  const info = await probe(file);
  expect(info.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
  expect(info.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('opus');
  const duration = Number(info.format.duration);
  expect(duration, `duration in the header: ${info.format.duration}`).toBeGreaterThanOrEqual(4);
  expect(duration, `recorded between clicks ${outerSeconds.toFixed(2)} s apart`).toBeLessThanOrEqual(Math.max(6, outerSeconds + 1));
  // The frames agree with the header: the content really is ~5 s, and it all decodes.
  const times = await videoFrameTimes(file);
  const gaps = times.slice(1).map((time, i) => time - times[i]!);
  const summary = `${times.length} frames from ${times[0]} s to ${times.at(-1)} s, longest gap ${Math.max(...gaps).toFixed(2)} s`;
  console.log(`recorded video: ${summary}`);
  // Video from the start to the end, moving all along: the compositor may draw fewer than 15
  // pictures a second on a busy machine, but never stops or starts late (the encoder starting up
  // under load took up to 1.5 s).
  expect(times[0], summary).toBeLessThanOrEqual(2);
  expect(times.at(-1), summary).toBeGreaterThanOrEqual(duration - 1.5);
  expect(times.at(-1), summary).toBeLessThanOrEqual(Math.max(6, outerSeconds + 1));
  expect(Math.max(...gaps), summary).toBeLessThan(2);
  expect(times.length / duration, summary).toBeGreaterThanOrEqual(2);

  // The host lets everyone record: Bob gets the control.
  await alice.getByRole('button', { name: 'Participants' }).click();
  await alice.getByRole('button', { name: 'Let everyone record' }).click();
  await expect(bob.getByRole('button', { name: 'Record', exact: true })).toBeEnabled();
});
