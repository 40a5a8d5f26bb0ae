import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { IpcFailure } from './ipc';

export interface RecordingFilesOptions {
  /** The save dialog; answers the chosen path, or undefined when the user cancels. */
  choosePath(defaultPath: string): Promise<string | undefined>;
  /** The user's Videos folder (app.getPath('videos')). */
  videosDir(): string;
}

interface OpenRecording {
  path: string;
  handle: FileHandle;
  written: number;
}

/**
 * Meeting recordings on disk. The renderer streams chunks as MediaRecorder produces them, so a
 * crash loses at most the last chunk and the file so far stays playable; at the end the header
 * is replaced (WebM duration) by writing header + the rest to a temporary file and renaming it.
 */
export class RecordingFiles {
  readonly #options: RecordingFilesOptions;
  readonly #open = new Map<string, OpenRecording>();

  constructor(options: RecordingFilesOptions) {
    this.#options = options;
  }

  async start(suggestedName: string): Promise<{ id: string; path: string } | null> {
    const name = path.basename(suggestedName).replace(/[\\/:*?"<>|\p{Cc}]/gu, '_') || 'Roundtable recording.webm';
    const chosen = await this.#options.choosePath(path.join(this.#options.videosDir(), name));
    if (!chosen) return null;
    const file = path.extname(chosen).toLowerCase() === '.webm' ? chosen : `${chosen}.webm`;
    let handle: FileHandle;
    try {
      handle = await fs.open(file, 'w');
    } catch (error) {
      throw new IpcFailure('unavailable', `cannot write ${file}: ${(error as Error).message}`);
    }
    const id = randomUUID();
    this.#open.set(id, { path: file, handle, written: 0 });
    return { id, path: file };
  }

  async write(id: string, chunk: Uint8Array): Promise<void> {
    const recording = this.#get(id);
    try {
      await recording.handle.write(chunk);
    } catch (error) {
      // A full disk: say so; what was written so far stays.
      throw new IpcFailure('unavailable', `the recording could not be written: ${(error as Error).message}`);
    }
    recording.written += chunk.length;
  }

  async finish(id: string, fix: { header: Uint8Array; replacedBytes: number } | null): Promise<void> {
    const recording = this.#get(id);
    this.#open.delete(id);
    await recording.handle.close();
    if (!fix) return;
    if (fix.replacedBytes > recording.written) throw new IpcFailure('bad_request', 'the header to replace is longer than the file');
    const temporary = `${recording.path}.part`;
    try {
      await fs.writeFile(temporary, fix.header);
      await pipeline(createReadStream(recording.path, { start: fix.replacedBytes }), createWriteStream(temporary, { flags: 'a' }));
      await fs.rename(temporary, recording.path);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw new IpcFailure('unavailable', `the recording was saved without its duration: ${(error as Error).message}`);
    }
  }

  /** On quit or when the page goes away: close every file as it is (still playable). */
  async closeAll(): Promise<void> {
    const open = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(open.map((recording) => recording.handle.close().catch(() => undefined)));
  }

  #get(id: string): OpenRecording {
    const recording = this.#open.get(id);
    if (!recording) throw new IpcFailure('not_found', 'no such recording in progress');
    return recording;
  }
}
