import fixWebmDuration from 'fix-webm-duration';

/**
 * MediaRecorder writes a live WebM: the Segment and every Cluster have "unknown" sizes and the
 * Info element has no Duration, so players cannot show or seek the length. Rewriting the whole
 * file would need it all in memory; only the header (everything before the first Cluster) has
 * to change, so the recording can be streamed to disk and fixed at the end.
 */

const EBML_ID = 0x1a45dfa3;
const SEGMENT_ID = 0x18538067;
const CLUSTER_ID = 0x1f43b675;
/** An 8-byte EBML size with every value bit set: "unknown size". */
const UNKNOWN_SIZE = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

interface Vint {
  /** The value with the length marker removed (an element id keeps its marker). */
  value: number;
  length: number;
  unknown: boolean;
}

function readVint(bytes: Uint8Array, offset: number, keepMarker: boolean): Vint | null {
  const first = bytes[offset];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (offset + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[offset + i]!;
    value = value * 256 + byte;
    if (byte !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

/** Where the Segment's size field is and how long it is. */
function segmentSizeField(bytes: Uint8Array): { offset: number; length: number; contentStart: number } | null {
  const ebmlId = readVint(bytes, 0, true);
  if (!ebmlId || ebmlId.value !== EBML_ID) return null;
  const ebmlSize = readVint(bytes, ebmlId.length, false);
  if (!ebmlSize || ebmlSize.unknown) return null;
  const segmentAt = ebmlId.length + ebmlSize.length + ebmlSize.value;
  const segmentId = readVint(bytes, segmentAt, true);
  if (!segmentId || segmentId.value !== SEGMENT_ID) return null;
  const sizeAt = segmentAt + segmentId.length;
  const size = readVint(bytes, sizeAt, false);
  if (!size) return null;
  return { offset: sizeAt, length: size.length, contentStart: sizeAt + size.length };
}

/**
 * The length of the header (EBML header, Segment start, Info, Tracks...) in the first bytes of
 * a recording, or null if those bytes do not reach the first Cluster yet.
 */
export function webmHeaderLength(bytes: Uint8Array): number | null {
  const segment = segmentSizeField(bytes);
  if (!segment) return null;
  let offset = segment.contentStart;
  while (offset < bytes.length) {
    const id = readVint(bytes, offset, true);
    if (!id) return null;
    if (id.value === CLUSTER_ID) return offset;
    const size = readVint(bytes, offset + id.length, false);
    if (!size || size.unknown) return null;
    offset += id.length + size.length + size.value;
  }
  return null;
}

/**
 * The header with a Duration, for a file whose clusters follow it unchanged. fix-webm-duration
 * rewrites the Segment with the size of what it was given (here: the header alone), so the
 * Segment's size is set back to "unknown": it runs to the end of the file.
 */
export async function headerWithDuration(header: Uint8Array, durationMs: number): Promise<Uint8Array> {
  const fixed = await fixWebmDuration(new Blob([header as BlobPart], { type: 'video/webm' }), durationMs, { logger: false });
  const bytes = new Uint8Array(await fixed.arrayBuffer());
  const segment = segmentSizeField(bytes);
  if (!segment) throw new Error('the recording header could not be read');
  const out = new Uint8Array(bytes.length - segment.length + UNKNOWN_SIZE.length);
  out.set(bytes.subarray(0, segment.offset), 0);
  out.set(UNKNOWN_SIZE, segment.offset);
  out.set(bytes.subarray(segment.contentStart), segment.offset + UNKNOWN_SIZE.length);
  return out;
}
