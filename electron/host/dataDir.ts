import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The data directory or a file in it is not safe to use; the message says what to fix. */
export class DataDirError extends Error {
  readonly code = 'data_dir_unsafe';
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

const posix = process.platform !== 'win32';
// Windows has neither O_NOFOLLOW nor POSIX modes; there the checks below are lstat-only.
const noFollow = constants.O_NOFOLLOW ?? 0;

function ownedByUs(stats: Stats): boolean {
  return !posix || process.getuid === undefined || stats.uid === process.getuid();
}

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Makes `dir` (mode 0700) or checks the one there: a real directory, not a symlink (which another
 * local user could point at a directory they can read), owned by this user. A directory that is
 * open to others is closed to 0700. Parents are the user's own business and are not checked.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const existing = await lstatOrUndefined(dir);
  if (!existing) {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    return ensurePrivateDir(dir);
  }
  if (existing.isSymbolicLink()) throw new DataDirError(`${dir} is a symbolic link; the data directory must be a real directory`);
  if (!existing.isDirectory()) throw new DataDirError(`${dir} is not a directory`);
  if (!ownedByUs(existing)) throw new DataDirError(`${dir} belongs to another user`);
  if (posix && (existing.mode & 0o077) !== 0) await fs.chmod(dir, 0o700);
}

/**
 * Reads a file of the data directory without following a symlink (O_NOFOLLOW closes the gap
 * between a check and the open). Answers undefined when it does not exist.
 */
export async function readPrivateFile(file: string): Promise<string | undefined> {
  const stats = await lstatOrUndefined(file);
  if (!stats) return undefined;
  if (stats.isSymbolicLink()) throw new DataDirError(`${file} is a symbolic link; refusing to read it`);
  if (!stats.isFile()) throw new DataDirError(`${file} is not a regular file`);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | noFollow);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new DataDirError(`${file} is a symbolic link; refusing to read it`);
    throw error;
  }
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Tightens an existing private file (a key copied in by hand, an old version's 0644). */
export async function restrictFileMode(file: string, mode: number): Promise<void> {
  if (!posix) return;
  const stats = await fs.lstat(file);
  if (stats.isFile() && (stats.mode & 0o777 & ~mode) !== 0) await fs.chmod(file, mode);
}

/**
 * Writes `content` to `file` with `mode` from the first byte: into a fresh temp file (O_EXCL, so
 * never through a planted symlink), flushed, then renamed over the target. A reader sees the old
 * file or the new one, never a half-written key, and an old file's looser mode is not inherited.
 */
export async function writePrivateFile(file: string, content: string, mode: number): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | noFollow, mode);
    try {
      await handle.writeFile(content, 'utf8');
      if (posix) await handle.chmod(mode); // exactly `mode`, whatever the umask
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}
