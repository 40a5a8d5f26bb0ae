import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { types } from 'mediasoup';

/**
 * What the meeting host could record of a participant's camera: the RTP it forwards, taken from a
 * DirectTransport consumer on the room's router, depacketized into VP8 frames (RFC 7741), written
 * as IVF and decoded with ffmpeg.
 */

export interface Vp8Recording {
  frames: { data: Buffer; timestamp: number; key: boolean }[];
  width: number;
  height: number;
  /** Simulcast layers the host's consumer switched to while recording (each switch needs a key frame the SFU recognised). */
  spatialLayers: number[];
}

interface RtpPacket {
  marker: boolean;
  sequence: number;
  timestamp: number;
  payload: Buffer;
}

function parseRtp(packet: Buffer): RtpPacket | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
  const padding = (packet[0]! & 0x20) !== 0;
  const extension = (packet[0]! & 0x10) !== 0;
  let offset = 12 + 4 * (packet[0]! & 0x0f);
  if (extension) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  let end = packet.length;
  if (padding) end -= packet[packet.length - 1]!;
  if (end <= offset) return undefined;
  return { marker: (packet[1]! & 0x80) !== 0, sequence: packet.readUInt16BE(2), timestamp: packet.readUInt32BE(4), payload: packet.subarray(offset, end) };
}

/** Strips the VP8 payload descriptor; `start` marks the first packet of a frame. */
function parseVp8Payload(payload: Buffer): { start: boolean; data: Buffer } | undefined {
  let offset = 1;
  const first = payload[0]!;
  if (first & 0x80) {
    const x = payload[offset++]!;
    if (x & 0x80) offset += payload[offset]! & 0x80 ? 2 : 1; // PictureID
    if (x & 0x40) offset++; // TL0PICIDX
    if (x & 0x30) offset++; // TID / KEYIDX
  }
  if (offset >= payload.length) return undefined;
  return { start: (first & 0x10) !== 0 && (first & 0x07) === 0, data: payload.subarray(offset) };
}

/** Records the producer's video as the host forwards it, from the first key frame on, until `frames` complete frames or `maxMs`. */
export async function recordForwardedVp8(router: types.Router, producerId: string, frames: number, maxMs: number): Promise<Vp8Recording> {
  const transport = await router.createDirectTransport();
  const packets: RtpPacket[] = [];
  const spatialLayers: number[] = [];
  try {
    const consumer = await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, preferredLayers: { spatialLayer: 0 } });
    if (consumer.rtpParameters.codecs[0]?.mimeType.toLowerCase() !== 'video/vp8') throw new Error(`the camera is not VP8: ${consumer.rtpParameters.codecs[0]?.mimeType}`);
    consumer.on('rtp', (packet) => {
      const parsed = parseRtp(packet);
      if (parsed && packets.length < 20_000) packets.push(parsed);
    });
    consumer.on('layerschange', (layers) => {
      if (layers && spatialLayers.at(-1) !== layers.spatialLayer) spatialLayers.push(layers.spatialLayer);
    });
    // Start on the lowest layer, then ask for the highest: the SFU switches only at a key frame it
    // recognises, so a switch shows the clear VP8 header still does its job.
    await consumer.requestKeyFrame();
    const deadline = Date.now() + maxMs;
    let askedHigher = false;
    while (Date.now() < deadline && (assembleFrames(packets).frames.length < frames || spatialLayers.length < 2)) {
      if (!askedHigher && spatialLayers.includes(0)) {
        askedHigher = true;
        await consumer.setPreferredLayers({ spatialLayer: 2 });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    transport.close();
  }
  return { ...assembleFrames(packets), spatialLayers };
}

function assembleFrames(packets: RtpPacket[]): Omit<Vp8Recording, 'spatialLayers'> {
  const recording: Omit<Vp8Recording, 'spatialLayers'> = { frames: [], width: 0, height: 0 };
  let parts: Buffer[] | undefined;
  let expected = -1;
  let timestamp = 0;
  for (const packet of packets) {
    const vp8 = parseVp8Payload(packet.payload);
    if (!vp8) continue;
    if (vp8.start) {
      parts = [];
      timestamp = packet.timestamp;
    } else if (!parts || packet.sequence !== expected || packet.timestamp !== timestamp) {
      parts = undefined; // a lost packet: the frame is incomplete
      continue;
    }
    expected = (packet.sequence + 1) & 0xffff;
    parts.push(vp8.data);
    if (!packet.marker) continue;
    const data = Buffer.concat(parts);
    parts = undefined;
    const key = (data[0]! & 0x01) === 0;
    if (key && data.length >= 10) {
      recording.width = data.readUInt16LE(6) & 0x3fff;
      recording.height = data.readUInt16LE(8) & 0x3fff;
    }
    if (recording.frames.length === 0 && !key) continue; // decoding starts at a key frame
    recording.frames.push({ data, timestamp, key });
  }
  return recording;
}

export function writeIvf(recording: Omit<Vp8Recording, 'spatialLayers'>, file: string): void {
  const header = Buffer.alloc(32);
  header.write('DKIF', 0, 'ascii');
  header.writeUInt16LE(0, 4);
  header.writeUInt16LE(32, 6);
  header.write('VP80', 8, 'ascii');
  header.writeUInt16LE(recording.width, 12);
  header.writeUInt16LE(recording.height, 14);
  header.writeUInt32LE(90_000, 16);
  header.writeUInt32LE(1, 20);
  header.writeUInt32LE(recording.frames.length, 24);
  const chunks: Buffer[] = [header];
  for (const frame of recording.frames) {
    const frameHeader = Buffer.alloc(12);
    frameHeader.writeUInt32LE(frame.data.length, 0);
    frameHeader.writeBigUInt64LE(BigInt(frame.timestamp), 4);
    chunks.push(frameHeader, frame.data);
  }
  fs.writeFileSync(file, Buffer.concat(chunks));
}

export interface DecodeResult {
  /** Pictures ffmpeg's VP8 decoder produced. */
  decodedFrames: number;
  /** Lines ffmpeg's decoder logged at level "error" (corrupt frames, invalid partitions, …). */
  errors: string[];
  /** Per decoded picture: standard deviation of the luma (a flat or empty picture is ~0). */
  lumaSpread: number[];
}

/** Decodes an IVF file with ffmpeg (bounded in time) into grey pictures and error lines. */
export function decodeIvf(file: string, width: number, height: number): Promise<DecodeResult> {
  return new Promise((resolve, reject) => {
    const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'ivf', '-c:v', 'vp8', '-i', file, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${width}x${height}`, 'pipe:1']);
    const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), 30_000);
    const out: Buffer[] = [];
    let stderr = '';
    ffmpeg.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    ffmpeg.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ffmpeg.on('close', () => {
      clearTimeout(timer);
      const pixels = Buffer.concat(out);
      const size = width * height;
      const lumaSpread: number[] = [];
      for (let start = 0; size > 0 && start + size <= pixels.length; start += size) {
        let sum = 0;
        let squares = 0;
        for (let i = start; i < start + size; i += 7) {
          sum += pixels[i]!;
          squares += pixels[i]! * pixels[i]!;
        }
        const n = Math.ceil(size / 7);
        lumaSpread.push(Math.sqrt(Math.max(0, squares / n - (sum / n) ** 2)));
      }
      // Decoder errors only: the raw output muxer complains when two pictures share a timestamp
      // (a layer switch of the recording consumer), which says nothing about decoding.
      const errors = stderr.split('\n').filter((line) => line && !line.includes('non monotonically increasing dts to muxer'));
      resolve({ decodedFrames: lumaSpread.length, errors, lumaSpread });
    });
  });
}
