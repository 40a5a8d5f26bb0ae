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

/**
 * An end-to-end encrypted file is padded (zeros, sealed with it) to this size, so the host learns
 * only a size class: Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
 * Communication with PURBs", 2019) keeps the top ⌊log₂ E⌋ + 1 bits of the size's E-bit exponent
 * and rounds the rest up. At most 12 % more bytes, 3 % or less from 64 KiB on.
 */
export function paddedSize(size: number): number {
  if (size < 2) return size;
  const exponent = Math.floor(Math.log2(size));
  const keptBits = Math.floor(Math.log2(exponent)) + 1;
  const step = 2 ** (exponent - keptBits);
  return Math.ceil(size / step) * step;
}
