import { limits } from '../../../../shared/limits';

/*
 * A file goes over the wire in chunks of `limits.fileChunkBytes` (the last one shorter); in an end-to-
 * end encrypted meeting each is `overhead` bytes longer once sealed. The host sees, caps and paces
 * by the wire size; people see the file's own size and progress.
 */

/** Bytes sent for a file of `size` bytes. */
export function wireSize(size: number, overhead: number): number {
  return size + overhead * Math.ceil(size / limits.fileChunkBytes);
}

/** The size of the file whose wire size is `wire`; undefined when no file has that wire size. */
export function fileSizeOf(wire: number, overhead: number): number | undefined {
  const size = wire - overhead * Math.ceil(wire / (limits.fileChunkBytes + overhead));
  return size >= 0 && wireSize(size, overhead) === wire ? size : undefined;
}

/** How much of the file `wire` bytes delivered carry (whole chunks; a partial one counts without its overhead). */
export function fileBytesOf(wire: number, overhead: number): number {
  return Math.max(0, wire - overhead * Math.ceil(wire / (limits.fileChunkBytes + overhead)));
}
