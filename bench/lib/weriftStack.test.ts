import { describe, expect, it } from 'vitest';
import { startsDecoding } from './weriftStack';

/** A VP8 RTP payload (RFC 7741): descriptor with a 15-bit PictureID, then the frame's first byte. */
function vp8(options: { start: boolean; partition?: number; keyFrame: boolean; extended?: boolean }): Buffer {
  const descriptor = (options.extended === false ? 0 : 0x80) | (options.start ? 0x10 : 0) | (options.partition ?? 0);
  const extension = options.extended === false ? [] : [0x80 | 0x40, 0x80 | 0x12, 0x34, 0x07]; // I and L: PictureID (M=1), TL0PICIDX
  const frameTag = options.keyFrame ? 0x10 : 0x11; // bit 0: P, 0 for a key frame
  return Buffer.from([descriptor, ...extension, frameTag, 0x9d, 0x01, 0x2a]);
}

describe('the werift load client: where a decoder could start', () => {
  it('a VP8 key frame\'s first packet, with or without the extended descriptor', () => {
    expect(startsDecoding('video/VP8', 'video', vp8({ start: true, keyFrame: true }))).toBe(true);
    expect(startsDecoding('video/VP8', 'video', vp8({ start: true, keyFrame: true, extended: false }))).toBe(true);
  });

  it('not a delta frame, nor a key frame\'s later packet or partition', () => {
    expect(startsDecoding('video/VP8', 'video', vp8({ start: true, keyFrame: false }))).toBe(false);
    expect(startsDecoding('video/VP8', 'video', vp8({ start: false, keyFrame: true }))).toBe(false);
    expect(startsDecoding('video/VP8', 'video', vp8({ start: true, partition: 1, keyFrame: true }))).toBe(false);
    expect(startsDecoding('video/VP8', 'video', Buffer.alloc(0))).toBe(false);
  });

  it('audio: a speech frame, not a DTX frame (TOC byte alone) or an empty one', () => {
    expect(startsDecoding('audio/opus', 'audio', Buffer.alloc(60, 1))).toBe(true);
    expect(startsDecoding('audio/opus', 'audio', Buffer.from([9 << 3]))).toBe(false);
    expect(startsDecoding('audio/opus', 'audio', Buffer.from([9 << 3, 0]))).toBe(false);
  });
});
