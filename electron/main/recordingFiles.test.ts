import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingFiles } from './recordingFiles';

describe('recording files (desktop)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'roundtable-rec-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const bytes = (...values: number[]) => new Uint8Array(values);

  it('offers the Videos folder with the suggested name, appends chunks as they come, then swaps in the fixed header', async () => {
    const offered: string[] = [];
    const files = new RecordingFiles({ videosDir: () => dir, choosePath: async (p) => (offered.push(p), path.join(dir, 'picked')) });
    const file = await files.start('Roundtable standup 2026-11-30 14-05.webm');
    expect(offered).toEqual([path.join(dir, 'Roundtable standup 2026-11-30 14-05.webm')]);
    expect(file?.path).toBe(path.join(dir, 'picked.webm'));
    await files.write(file!.id, bytes(1, 2, 3, 9));
    await files.write(file!.id, bytes(4, 5));
    // On disk already: a crash now keeps everything written so far.
    expect([...(await fs.readFile(file!.path))]).toEqual([1, 2, 3, 9, 4, 5]);
    await files.finish(file!.id, { header: bytes(7, 7, 7, 7, 7), replacedBytes: 3 });
    expect([...(await fs.readFile(file!.path))]).toEqual([7, 7, 7, 7, 7, 9, 4, 5]);
    expect(await fs.readdir(dir)).toEqual(['picked.webm']);
    await expect(files.write(file!.id, bytes(1))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('answers null when the user cancels; refuses unknown ids and impossible header swaps; no path tricks in the name', async () => {
    const offered: string[] = [];
    const cancelled = new RecordingFiles({ videosDir: () => dir, choosePath: async (p) => (offered.push(p), undefined) });
    expect(await cancelled.start('../../etc/evil.webm')).toBeNull();
    expect(offered).toEqual([path.join(dir, 'evil.webm')]);
    await expect(cancelled.write('nope', bytes(1))).rejects.toMatchObject({ code: 'not_found' });

    const files = new RecordingFiles({ videosDir: () => dir, choosePath: async (p) => p });
    const file = await files.start('x.webm');
    await files.write(file!.id, bytes(1, 2));
    await expect(files.finish(file!.id, { header: bytes(1), replacedBytes: 10 })).rejects.toMatchObject({ code: 'bad_request' });
    // The file itself was closed and kept as written.
    expect([...(await fs.readFile(file!.path))]).toEqual([1, 2]);
  });
});
