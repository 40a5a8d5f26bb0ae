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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the SFU asks of a sender whose packets went missing: a real worker, a plain transport and
 * RTP written by hand, so which packets are lost, and when, is exact.
 */
describe('packets a sender lost: resent, or replaced by a key frame', () => {
  const worker = useWorkerRouter();

  async function sender() {
    const transport = await worker.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    await transport.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: PAYLOAD_TYPE, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
        encodings: [{ ssrc: SSRC }],
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
    const send = (seq: number) =>
      new Promise<void>((resolve, reject) => socket.send(vp8Packet(seq, seq === first), transport.tuple.localPort, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    /** Sends `from`..`to` (inclusive), a packet every 20 ms. */
    const stream = async (from: number, to: number) => {
      first ??= from; // the stream starts with a key frame: nothing asks for one before the test does
      for (let seq = from; seq <= to; seq++) {
        await send(seq);
        await sleep(20);
      }
    };
    const close = () => {
      socket.close();
      transport.close();
    };
    return { asked, stream, close };
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
});
