import type { RecordingFiles } from '../../platform';
import type { RecordingSink } from './MeetingRecorder';

/** "Roundtable standup 2026-11-30 14-05.webm": the room and the local date and time. */
export function recordingFileName(roomId: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}-${pad(now.getMinutes())}`;
  const room = roomId.replace(/[^\p{L}\p{N}_.-]+/gu, '_').slice(0, 64);
  return `Roundtable ${room} ${date}.webm`;
}

/**
 * Browser guests: chunks stay in memory and the file is downloaded at the end (a web page cannot
 * append to a file the user picked in every browser). The size cap bounds the memory.
 */
export function downloadSink(fileName: string): RecordingSink {
  const chunks: Uint8Array[] = [];
  const save = (blob: Blob) => {
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    chunks.length = 0;
    return `your downloads (${fileName})`;
  };
  return {
    async write(chunk) {
      chunks.push(chunk);
    },
    async finish(header, replacedBytes) {
      const body = new Blob(chunks as BlobPart[]).slice(replacedBytes);
      return save(new Blob([header as BlobPart, body], { type: 'video/webm' }));
    },
    async close() {
      return save(new Blob(chunks as BlobPart[], { type: 'video/webm' }));
    },
  };
}

/**
 * Desktop app: a file the user picks (main process), appended chunk by chunk, so a crash loses
 * at most the last chunk. Answers null when the user cancels the save dialog.
 */
export async function fileSink(files: RecordingFiles, fileName: string): Promise<RecordingSink | null> {
  const file = await files.start(fileName);
  if (!file) return null;
  return {
    write: (chunk) => files.write(file.id, chunk),
    async finish(header, replacedBytes) {
      await files.finish(file.id, { header, replacedBytes });
      return file.path;
    },
    async close() {
      await files.finish(file.id, null);
      return file.path;
    },
  };
}
