import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { useWorkerRouter } from '../support/workerRouter';

const SSRC = 0x2b67;
const RTX_SSRC = 0x2b70;
const PAYLOAD_TYPE = 101;
const RTX_PAYLOAD_TYPE = 102;

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

/** A one-packet VP8 delta frame of temporal layer `tid` (its payload descriptor carries picture id, TL0PICIDX and TID). */
function vp8LayeredPacket(seq: number, tid: number): Buffer {
  const packet = vp8Packet(seq, false);
  const descriptor = Buffer.from([0x90, 0xe0, seq & 0x7f, 0, tid << 6]); // X, S; I, L, T
  return Buffer.concat([packet.subarray(0, 12), descriptor, packet.subarray(13)]);
}

/** `original` resent over RTX (RFC 4588): the RTX stream's own header, then the original sequence number and payload. */
function rtxPacket(rtxSeq: number, original: Buffer): Buffer {
  const packet = Buffer.concat([original.subarray(0, 12), Buffer.alloc(2), original.subarray(12)]);
  packet[1] = (original[1]! & 0x80) | RTX_PAYLOAD_TYPE;
  packet.writeUInt16BE(rtxSeq & 0xffff, 2);
  packet.writeUInt32BE(RTX_SSRC, 8);
  packet.writeUInt16BE(original.readUInt16BE(2), 12);
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
        codecs: [
          { mimeType: 'video/VP8', payloadType: PAYLOAD_TYPE, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] },
          { mimeType: 'video/rtx', payloadType: RTX_PAYLOAD_TYPE, clockRate: 90000, parameters: { apt: PAYLOAD_TYPE } },
        ],
        encodings: simulcast ? [{ ssrc: SSRC, rtx: { ssrc: RTX_SSRC } }, { ssrc: SSRC + 1, rtx: { ssrc: RTX_SSRC + 1 } }] : [{ ssrc: SSRC, rtx: { ssrc: RTX_SSRC } }],
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
    /** One packet and, right behind it, a sender report (a sender back on a new path reports at once). */
    const packetAndReport = async (seq: number) => {
      await write(vp8Packet(seq, false));
      await write(senderReport(seq));
    };
    /** Old packets `from`..`to` resent over RTX, unasked (libwebrtc's probing padding), 5 ms apart. */
    let rtxSeq = 0;
    const padding = async (from: number, to: number) => {
      for (let seq = from; seq <= to; seq++) {
        await write(rtxPacket(rtxSeq++, vp8Packet(seq, false)));
        await sleep(5);
      }
    };
    return { asked, stream, packetAndReport, padding, write, close, producer };
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

  it('a stream is not scored on a handful of packets: one missing among the first ones back is not a score of 0', { timeout: 15_000 }, async () => {
    // Lab, address change: the sender's first report came 9 ms after its stream was back, scored on
    // the two or three packets since, one of them missing: 0, and the others' view froze again for a
    // second, until its next report.
    const { stream, packetAndReport, close, producer } = await sender(true);
    const scores: { score: number; at: number }[] = [];
    producer.on('score', (list) => scores.push({ score: list.find((s) => s.ssrc === SSRC)?.score ?? -1, at: Date.now() }));
    await stream(4000, 4040);
    await sleep(2_000); // inactive: scored 0
    const back = Date.now();
    await stream(4200, 4200);
    await packetAndReport(4203); // 4201 and 4202 lost on the way
    await sleep(200);
    await stream(4204, 4280); // then a steady stream, reported on every 25 packets
    await sleep(100);
    close();
    const after = scores.filter((s) => s.at >= back);
    expect(after[0]?.score, 'active again with its first packet').toBe(10);
    expect(after.filter((s) => s.score === 0), 'no score of 0 on the handful of packets').toEqual([]);
    expect(after.length, 'still scored once enough packets came').toBeGreaterThan(1);
  });

  it('a sender back after a silence that pads with old packets over RTX: its stream is back with its new packets, not those', { timeout: 15_000 }, async () => {
    // Lab, address change: the sender, on its new path, probed it with RTX padding (packets from the
    // silence); taken as the newest packets, they ended the silence, the new packets behind them were
    // NACKed, and the stream was scored 0 on the rest of the silence: the others' view froze again.
    const { asked, stream, padding, close, producer } = await sender(true);
    const scores: { score: number; at: number }[] = [];
    producer.on('score', (list) => scores.push({ score: list.find((s) => s.ssrc === SSRC)?.score ?? -1, at: Date.now() }));
    await stream(5000, 5040);
    await sleep(2_000); // inactive: scored 0
    const back = Date.now();
    await padding(5100, 5107); // sent during the silence, resent as padding
    await sleep(100);
    const newPackets = Date.now();
    await stream(5140, 5240); // the new packets, every one of them arriving
    await sleep(100);
    close();
    const after = scores.filter((s) => s.at >= back);
    expect(after.filter((s) => s.score === 0), 'no score of 0 once back').toEqual([]);
    expect(after.at(-1)?.score, 'scored as what it is: every new packet arrived').toBeGreaterThanOrEqual(9);
    expect(asked.filter((a) => a.at >= back && a.type === 'nack'), 'nothing of the silence asked for').toEqual([]);
    // The sender is back: what it sends next cannot be shown without a key frame, asked for at once.
    const keyFrameAsks = asked.filter((a) => a.at >= back && a.at < newPackets && (a.type === 'pli' || a.type === 'fir'));
    expect(keyFrameAsks.length, 'a key frame asked for once, on the padding').toBe(1);
  });

  it('a stream is back from a silence with a packet of its base temporal layer, not of a higher one', { timeout: 15_000 }, async () => {
    // A simulcast consumer takes a stream only once its base layer has a bitrate, and is asked again
    // only at the transport's next bitrate distribution, up to a second later: back on a higher
    // layer's packet, the others' view came back a second later than it could (lab address change).
    const { write, close, producer } = await sender(true);
    const scores: { score: number; at: number }[] = [];
    producer.on('score', (list) => scores.push({ score: list.find((s) => s.ssrc === SSRC)?.score ?? -1, at: Date.now() }));
    const tids = [0, 2, 1, 2];
    for (let seq = 6000; seq < 6040; seq++) {
      await write(vp8LayeredPacket(seq, tids[seq % 4]!));
      await sleep(20);
    }
    await sleep(2_000); // inactive: scored 0
    const back = Date.now();
    await write(vp8LayeredPacket(6101, 2));
    await sleep(20);
    await write(vp8LayeredPacket(6102, 1));
    await sleep(150);
    const baseLayerBack = Date.now();
    await write(vp8LayeredPacket(6104, 0));
    await sleep(150);
    close();
    expect(scores.some((s) => s.at < back && s.score === 0), 'inactive during the silence').toBe(true);
    const after = scores.filter((s) => s.at >= back);
    expect(after[0]?.score, 'active again').toBe(10);
    expect(after[0]!.at, 'active again with the base layer, not before').toBeGreaterThanOrEqual(baseLayerBack);
  });
});
