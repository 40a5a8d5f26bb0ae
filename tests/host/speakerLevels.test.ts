import { createWorker, type types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../electron/host/logger';
import type { ProducerAppData } from '../../electron/host/Peer';
import { SpeakerTracker } from '../../electron/host/room/SpeakerTracker';

const AUDIO_LEVEL_EXTENSION_ID = 1;

/** An Opus RTP packet carrying the ssrc-audio-level header extension (RFC 6464) at `-dBov` dBov. */
function opusPacket(ssrc: number, sequence: number, timestamp: number, dBov: number): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x90; // version 2, header extension present
  header[1] = 100; // payload type
  header.writeUInt16BE(sequence & 0xffff, 2);
  header.writeUInt32BE(timestamp >>> 0, 4);
  header.writeUInt32BE(ssrc, 8);
  // One-byte header extensions (0xBEDE), one 32-bit word: id 1, length 1, voice bit + level, padding.
  const extension = Buffer.from([0xbe, 0xde, 0x00, 0x01, (AUDIO_LEVEL_EXTENSION_ID << 4) | 0, 0x80 | dBov, 0, 0]);
  const payload = Buffer.alloc(40, 0x5a);
  payload[0] = 0x78; // an Opus TOC byte (CELT, 20 ms)
  return Buffer.concat([header, extension, payload]);
}

/**
 * Who counts as speaking, with the real mediasoup worker: the level observers must hear a talking
 * participant whatever packet rate its mic sends at. Opus frames of 40 or 60 ms (an audio network
 * adaptor on a poor link, other clients' defaults) or a sender whose packets come late and in bursts
 * give fewer than the 10 packets per observation interval mediasoup requires before it reports a
 * level at all; in a selective room such a participant would never be forwarded to anyone.
 */
describe('speaker levels', () => {
  let worker: types.Worker;
  let router: types.Router;

  beforeAll(async () => {
    worker = await createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
  });
  afterAll(() => worker?.close());

  async function talker(peerId: string, ssrc: number): Promise<types.Producer<ProducerAppData>> {
    const transport = await router.createDirectTransport();
    return transport.produce<ProducerAppData>({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: AUDIO_LEVEL_EXTENSION_ID }],
        encodings: [{ ssrc }],
      },
      appData: { peerId, source: 'mic' },
    });
  }

  /** Sends `seconds` of speech at -30 dBov in frames of `frameMs`, in real time. */
  async function speak(producer: types.Producer, ssrc: number, frameMs: number, seconds: number): Promise<void> {
    const frames = Math.round((seconds * 1000) / frameMs);
    for (let i = 0; i < frames; i++) {
      producer.send(opusPacket(ssrc, i, i * 48 * frameMs, 30));
      await new Promise((resolve) => setTimeout(resolve, frameMs));
    }
  }

  it.each([20, 40, 60])('a participant talking in %i ms Opus frames is among the recent speakers', async (frameMs) => {
    const tracker = new SpeakerTracker(4, createLogger('silent'));
    await tracker.observe(router);
    const ssrc = 1000 + frameMs;
    const producer = await talker(`talker-${frameMs}`, ssrc);
    try {
      await tracker.addMic(router, producer);
      await speak(producer, ssrc, frameMs, 2.5);
      expect(tracker.recent).toEqual([`talker-${frameMs}`]);
    } finally {
      producer.close();
      tracker.close();
    }
  }, 15_000);
});
