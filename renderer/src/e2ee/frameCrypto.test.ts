// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { DecryptHealth, FAILURES_BEFORE_REPORT, FrameDecryptor, FrameEncryptor, TAG_LENGTH, TRAILER_LENGTH, type EncodedFrame } from './frameCrypto';
import { deriveSenderKey, importMeetingKey } from './keys';

/** A VP8 key frame's first bytes (frame tag, start code 9d 01 2a, 640x360) and some payload. */
function vp8KeyFrame(): EncodedFrame {
  const data = new Uint8Array(400);
  data.set([0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]);
  for (let i = 10; i < data.length; i++) data[i] = i % 251;
  return { data: data.buffer, type: 'key' };
}
function vp8DeltaFrame(): EncodedFrame {
  const data = new Uint8Array(120).map((_, i) => (i * 7) % 256);
  data[0] = 0x31; // bit 0 set: inter frame
  return { data: data.buffer, type: 'delta' };
}
const opusFrame = (): EncodedFrame => ({ data: new Uint8Array([0x78, ...Array.from({ length: 60 }, (_, i) => i)]).buffer });

async function senderKey(meetingKey: string, senderId = 'peer-1', epoch = 0) {
  return deriveSenderKey(await importMeetingKey(meetingKey), senderId, epoch);
}
async function encryptor(meetingKey = 'right-key', senderId = 'peer-1', epoch = 0) {
  const e = new FrameEncryptor();
  e.setKey(await senderKey(meetingKey, senderId, epoch), epoch);
  return e;
}
const bytes = (buffer: ArrayBuffer) => new Uint8Array(buffer);

describe('frame encryption', () => {
  it('keeps the 10-byte VP8 key frame header clear and round-trips the frame', async () => {
    const frame = vp8KeyFrame();
    const original = bytes(frame.data).slice();
    const sealed = (await (await encryptor()).encrypt('video', frame))!;
    expect(sealed.byteLength).toBe(original.length + TAG_LENGTH + TRAILER_LENGTH);
    expect(bytes(sealed).subarray(0, 10)).toEqual(original.subarray(0, 10));
    expect(bytes(sealed).subarray(10, 30)).not.toEqual(original.subarray(10, 30));
    const result = await new FrameDecryptor('peer-1', await importMeetingKey('right-key')).decrypt({ data: sealed, type: 'key' });
    expect(result.ok && bytes(result.data)).toEqual(original);
  });

  it('keeps 3 bytes of a VP8 delta frame and the Opus TOC byte clear', async () => {
    const e = await encryptor();
    const delta = vp8DeltaFrame();
    const sealedDelta = bytes((await e.encrypt('video', delta))!);
    expect(sealedDelta.subarray(0, 3)).toEqual(bytes(delta.data).subarray(0, 3));
    expect(sealedDelta[sealedDelta.length - 2]).toBe(3);
    const opus = opusFrame();
    const sealedOpus = bytes((await e.encrypt('audio', opus))!);
    expect(sealedOpus[0]).toBe(0x78);
    expect(sealedOpus[sealedOpus.length - 2]).toBe(1);
    const decryptor = new FrameDecryptor('peer-1', await importMeetingKey('right-key'));
    const back = await decryptor.decrypt({ data: sealedOpus.buffer });
    expect(back.ok && bytes(back.data)).toEqual(bytes(opus.data));
  });

  it('never reuses an IV', async () => {
    const e = await encryptor();
    const ivs = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const sealed = bytes((await e.encrypt('audio', opusFrame()))!);
      ivs.add(Buffer.from(sealed.subarray(sealed.length - TRAILER_LENGTH, sealed.length - 2)).toString('hex'));
    }
    expect(ivs.size).toBe(200);
  });

  it('fails authentication with the wrong meeting key, another sender id, or a changed header', async () => {
    const sealed = (await (await encryptor('right-key', 'peer-1')).encrypt('video', vp8KeyFrame()))!;
    expect(await new FrameDecryptor('peer-1', await importMeetingKey('wrong-key')).decrypt({ data: sealed })).toEqual({ ok: false, reason: 'authentication' });
    expect(await new FrameDecryptor('peer-2', await importMeetingKey('right-key')).decrypt({ data: sealed })).toEqual({ ok: false, reason: 'authentication' });
    const tampered = bytes(sealed).slice();
    tampered[6] = tampered[6]! ^ 0x01; // the width in the clear header
    expect(await new FrameDecryptor('peer-1', await importMeetingKey('right-key')).decrypt({ data: tampered.buffer })).toEqual({ ok: false, reason: 'authentication' });
  });

  it('decrypts the epoch each frame carries (a sender that changed key)', async () => {
    const decryptor = new FrameDecryptor('peer-1', await importMeetingKey('right-key'));
    const e = await encryptor('right-key', 'peer-1', 0);
    const first = (await e.encrypt('audio', opusFrame()))!;
    e.setKey(await senderKey('right-key', 'peer-1', 7), 7);
    expect(e.epoch).toBe(7);
    const second = (await e.encrypt('audio', opusFrame()))!;
    expect(bytes(second).at(-1)).toBe(7);
    expect((await decryptor.decrypt({ data: second })).ok).toBe(true);
    expect((await decryptor.decrypt({ data: first })).ok).toBe(true);
  });

  it('rejects unencrypted and truncated frames, and tells when it has no key yet', async () => {
    const decryptor = new FrameDecryptor('peer-1', await importMeetingKey('right-key'));
    expect(await decryptor.decrypt(vp8DeltaFrame())).toMatchObject({ ok: false });
    expect(await decryptor.decrypt({ data: new Uint8Array(20).buffer })).toEqual({ ok: false, reason: 'malformed' });
    const sealed = bytes((await (await encryptor()).encrypt('audio', opusFrame()))!);
    expect(await new FrameDecryptor('peer-1').decrypt({ data: sealed.buffer })).toEqual({ ok: false, reason: 'no_key' });
    sealed[sealed.length - 2] = 250; // clear length past the ciphertext
    expect(await decryptor.decrypt({ data: sealed.buffer })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('drops frames it cannot protect: no key yet, or a video codec other than VP8', async () => {
    expect(await new FrameEncryptor().encrypt('audio', opusFrame())).toBeUndefined();
    const h264: EncodedFrame = { ...vp8KeyFrame(), getMetadata: () => ({ mimeType: 'video/H264' }) };
    expect(await (await encryptor()).encrypt('video', h264)).toBeUndefined();
    const vp8: EncodedFrame = { ...vp8KeyFrame(), getMetadata: () => ({ mimeType: 'video/VP8' }) };
    expect(await (await encryptor()).encrypt('video', vp8)).toBeInstanceOf(ArrayBuffer);
  });
});

describe('decrypt health', () => {
  it('reports failing after a few consecutive failures and ok on the first success, once each', () => {
    const health = new DecryptHealth();
    const changes = [];
    for (let i = 0; i < FAILURES_BEFORE_REPORT + 5; i++) changes.push(health.record(false));
    expect(changes.filter(Boolean)).toEqual(['failing']);
    expect(changes[FAILURES_BEFORE_REPORT - 1]).toBe('failing');
    expect(health.record(true)).toBe('ok');
    expect(health.record(true)).toBeUndefined();
    expect(health.record(false)).toBeUndefined(); // one lost frame is not "cannot decrypt"
  });
});
