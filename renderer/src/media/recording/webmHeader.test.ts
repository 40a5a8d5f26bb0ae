import { describe, expect, it } from 'vitest';
import { headerWithDuration, webmHeaderLength } from './webmHeader';

/** EBML building blocks, enough to write what MediaRecorder writes in live mode. */
const size = (n: number) => [0x80 | n]; // one-byte sizes: every element here is < 127 bytes
const UNKNOWN = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const element = (id: number[], content: number[], unknownSize = false) => [...id, ...(unknownSize ? UNKNOWN : size(content.length)), ...content];
const text = (s: string) => [...s].map((c) => c.charCodeAt(0));

function liveWebm(): { bytes: Uint8Array; header: number } {
  const ebml = element([0x1a, 0x45, 0xdf, 0xa3], [...element([0x42, 0x82], text('webm')), ...element([0x42, 0x87], [4])]);
  const info = element([0x15, 0x49, 0xa9, 0x66], [...element([0x2a, 0xd7, 0xb1], [0x0f, 0x42, 0x40]), ...element([0x4d, 0x80], text('Chrome'))]);
  const tracks = element([0x16, 0x54, 0xae, 0x6b], element([0xae], [...element([0xd7], [1]), ...element([0x86], text('V_VP8'))]));
  const segmentStart = [0x18, 0x53, 0x80, 0x67, ...UNKNOWN];
  const cluster = element([0x1f, 0x43, 0xb6, 0x75], [...element([0xe7], [0]), ...element([0xa3], [0x81, 0, 0, 0x80, 1, 2, 3])], true);
  const header = [...ebml, ...segmentStart, ...info, ...tracks];
  return { bytes: new Uint8Array([...header, ...cluster, ...cluster]), header: header.length };
}

describe('WebM header of a streamed recording', () => {
  it('finds the header: everything before the first Cluster', () => {
    const { bytes, header } = liveWebm();
    expect(webmHeaderLength(bytes)).toBe(header);
    // Not there yet: the first bytes end inside the Tracks element.
    expect(webmHeaderLength(bytes.subarray(0, header - 3))).toBeNull();
    expect(webmHeaderLength(new Uint8Array([1, 2, 3, 4]))).toBeNull();
    expect(webmHeaderLength(new Uint8Array())).toBeNull();
  });

  it('adds the Duration and keeps the Segment open-ended, so the clusters can follow unchanged', async () => {
    const { bytes, header } = liveWebm();
    const fixed = await headerWithDuration(bytes.subarray(0, header), 5_000);
    // Duration element: id 0x4489, 8-byte float, 5000 ms (TimecodeScale 1 ms).
    const at = fixed.findIndex((b, i) => b === 0x44 && fixed[i + 1] === 0x89);
    expect(at).toBeGreaterThan(0);
    expect(fixed[at + 2]).toBe(0x88);
    expect(new DataView(fixed.buffer, fixed.byteOffset + at + 3, 8).getFloat64(0)).toBe(5_000);
    // The Segment size is "unknown" again (it runs to the end of the file).
    const segment = fixed.findIndex((b, i) => b === 0x18 && fixed[i + 1] === 0x53 && fixed[i + 2] === 0x80 && fixed[i + 3] === 0x67);
    expect([...fixed.subarray(segment + 4, segment + 12)]).toEqual(UNKNOWN);
    // The fixed header is still a header: followed by the original clusters, it parses to the first one.
    const whole = new Uint8Array([...fixed, ...bytes.subarray(header)]);
    expect(webmHeaderLength(whole)).toBe(fixed.length);
  });
});
