import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { useWorkerRouter } from '../support/workerRouter';

const SSRC = 0x2b67;
const PAYLOAD_TYPE = 101;

/** An RTP packet of one VP8 frame: a key frame, or a delta frame. */
function vp8Packet(seq: number, keyFrame: boolean): Buffer {
  const packet = Buffer.alloc(12 + 1 + 60);
  packet[0] = 0x80;
  packet[1] = 0x80 | PAYLOAD_TYPE; // marker: the frame's last packet
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE((seq * 3000) >>> 0, 4);
  packet.writeUInt32BE(SSRC, 8);
  packet[12] = 0x10; // VP8 payload descriptor: start of partition 0
  packet[13] = keyFrame ? 0x00 : 0x01; // VP8 payload header: P = 0 for a key frame, 1 for a delta frame
  return packet;
}

/** An RTCP sender report of the stream (the worker scores a received stream at each one). */
function senderReport(seq: number): Buffer {
  const report = Buffer.alloc(28);
  report[0] = 0x80;
  report[1] = 200;
  report.writeUInt16BE(6, 2);
  report.writeUInt32BE(SSRC, 4);
  const now = Date.now();
  report.writeUInt32BE(Math.floor(now / 1000) + 2_208_988_800, 8);
  report.writeUInt32BE(Math.floor(((now % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  report.writeUInt32BE((seq * 3000) >>> 0, 16);
  return report;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the SFU asks of a sender whose packets went missing: a real worker, a plain transport and
 * RTP written by hand, so which packets are lost, and when, is exact.
 */
describe('packets a sender lost: resent, or replaced by a key frame', () => {
  const worker = useWorkerRouter();

  /** `simulcast`: two encodings (only the first one sent), so the worker watches the stream for inactivity. */
  async function sender(simulcast = false) {
    const transport = await worker.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    const producer = await transport.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: PAYLOAD_TYPE, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
        encodings: simulcast ? [{ ssrc: SSRC }, { ssrc: SSRC + 1 }] : [{ ssrc: SSRC }],
      },
    });
    // What the sender is asked, read from the RTCP the worker sends it (NACK: RTPFB/1; PLI: PSFB/1; FIR: PSFB/4).
    const asked: { type: 'nack' | 'pli' | 'fir'; at: number }[] = [];
    const socket = dgram.createSocket('udp4');
    socket.on('message', (message) => {
      for (let at = 0; at + 4 <= message.length; ) {
        const format = message[at]! & 0x1f;
        const type = message[at + 1]!;
        if (type === 205 && format === 1) asked.push({ type: 'nack', at: Date.now() });
        if (type === 206 && format === 1) asked.push({ type: 'pli', at: Date.now() });
        if (type === 206 && format === 4) asked.push({ type: 'fir', at: Date.now() });
        at += (message.readUInt16BE(at + 2) + 1) * 4;
      }
    });
    let first: number | undefined;
    const write = (data: Buffer) =>
      new Promise<void>((resolve, reject) => socket.send(data, transport.tuple.localPort, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    /** Sends `from`..`to` (inclusive), a packet every 20 ms and a sender report every 25 packets. */
    const stream = async (from: number, to: number) => {
      first ??= from; // the stream starts with a key frame: nothing asks for one before the test does
      for (let seq = from; seq <= to; seq++) {
        await write(vp8Packet(seq, seq === first));
        if ((seq - from) % 25 === 24) await write(senderReport(seq));
        await sleep(20);
      }
    };
    const close = () => {
      socket.close();
      transport.close();
    };
    return { asked, stream, close, producer };
  }

  it('a packet lost in a flowing stream is asked for again (NACK)', async () => {
    const { asked, stream, close } = await sender();
    await stream(1000, 1024);
    await stream(1027, 1050); // 1025 and 1026 lost
    await sleep(300);
    close();
    expect(asked.filter((a) => a.type === 'nack').length).toBeGreaterThan(0);
  });

  it('packets lost over a silence of more than a second are not asked for; a key frame is', async () => {
    const { asked, stream, close } = await sender();
    await stream(2000, 2024);
    await sleep(1_500); // the sender's link was down: what it sent meanwhile (2025..2099) never came
    const back = Date.now();
    await stream(2100, 2124);
    await sleep(300);
    close();
    expect(asked.filter((a) => a.at < back), 'nothing asked before the silence').toEqual([]);
    const after = asked.filter((a) => a.at >= back);
    expect(after.filter((a) => a.type === 'nack'), 'no NACK for the lost seconds').toEqual([]);
    expect(after.some((a) => a.type === 'pli' || a.type === 'fir'), 'a key frame asked for').toBe(true);
  });

  it('a stream back after a silence is scored on what arrives after it, not on what was lost in the silence', { timeout: 15_000 }, async () => {
    // Lab, address change: the first score after the silence counted the skipped sequence numbers as
    // lost (0), and a consumer forwards no stream scored 0: the others' view froze again for 1-1.5 s.
    const { stream, close, producer } = await sender(true);
    const scores: { score: number; at: number }[] = [];
    producer.on('score', (list) => scores.push({ score: list.find((s) => s.ssrc === SSRC)?.score ?? -1, at: Date.now() }));
    await stream(3000, 3040);
    await sleep(2_000); // over the worker's 1.5 s inactivity check: scored 0 (inactive)
    const back = Date.now();
    await stream(3200, 3300); // 2 s of packets, every one of them arriving
    close();
    expect(scores.some((s) => s.at < back && s.score === 0), 'inactive during the silence').toBe(true);
    const after = scores.filter((s) => s.at >= back);
    expect(after[0]?.score, 'active again with its first packet').toBe(10);
    expect(after.map((s) => s.score).filter((score) => score < 9), 'nothing lost after the silence: no low score').toEqual([]);
  });
});
