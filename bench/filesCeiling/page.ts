/**
 * The page side of bench/filesCeiling.ts: bare data channels with no Roundtable code. Either
 * mediasoup-client against a bare mediasoup router (signaling through Playwright's exposed
 * `probeRpc`), or a plain RTCPeerConnection straight to the other page (SDP relayed by the bench).
 */
import { Device, type types } from 'mediasoup-client';

type Rpc = (method: string, data: unknown) => Promise<any>;
declare global {
  interface Window {
    probeRpc: Rpc;
    probe: typeof probe;
  }
}

interface Channel {
  send(data: ArrayBuffer): void;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  addLow(listener: () => void): void;
}

const state: { device?: Device; send?: types.Transport; recv?: types.Transport; pc?: RTCPeerConnection; channel?: Channel; channels: Channel[]; received: number; arrivals: [number, number][]; firstAt?: number; lastAt?: number } = {
  channels: [],
  received: 0,
  arrivals: [],
};

/** The sender's wait for `bufferedamountlow`, and the channels already listening for it. */
let wake: (() => void) | undefined;
const wired = new WeakSet<Channel>();

function onMessage(data: unknown): void {
  const now = (performance.timeOrigin + performance.now());
  state.firstAt ??= now;
  state.lastAt = now;
  state.received += (data as ArrayBuffer).byteLength;
  const last = state.arrivals.at(-1);
  if (!last || now - last[0] >= 100) state.arrivals.push([now, state.received]);
}

async function transport(direction: 'send' | 'recv'): Promise<types.Transport> {
  const options = await window.probeRpc('createTransport', { direction });
  const device = state.device!;
  const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    window.probeRpc('connect', { id: transport.id, dtlsParameters }).then(() => callback(), errback);
  });
  transport.on('producedata', ({ sctpStreamParameters, label, protocol }, callback, errback) => {
    window.probeRpc('produceData', { id: transport.id, sctpStreamParameters, label, protocol }).then(callback, errback);
  });
  return transport;
}

const probe = {
  /** SFU mode: load the device, create both transports. */
  async sfuSetup(): Promise<void> {
    state.device = new Device({ handlerName: 'Chrome111' });
    await state.device.load({ routerRtpCapabilities: await window.probeRpc('capabilities', {}) });
    state.send = await transport('send');
    state.recv = await transport('recv');
  },
  /** One more data producer on the send transport (the first is `state.channel`; all are in `state.channels`). */
  async sfuProduce(): Promise<string> {
    const producer = await state.send!.produceData({ ordered: true, label: 'probe' });
    await new Promise<void>((resolve) => (producer.readyState === 'open' ? resolve() : producer.once('open', () => resolve())));
    const channel: Channel = {
      send: (data) => producer.send(data),
      get bufferedAmount() {
        return producer.bufferedAmount;
      },
      set bufferedAmountLowThreshold(value: number) {
        producer.bufferedAmountLowThreshold = value;
      },
      get bufferedAmountLowThreshold() {
        return producer.bufferedAmountLowThreshold;
      },
      addLow: (listener) => producer.on('bufferedamountlow', listener),
    };
    state.channel ??= channel;
    state.channels.push(channel);
    return producer.id;
  },
  async sfuConsume(options: types.DataConsumerOptions): Promise<void> {
    const consumer = await state.recv!.consumeData(options);
    consumer.binaryType = 'arraybuffer';
    consumer.on('message', onMessage);
    await new Promise<void>((resolve) => (consumer.readyState === 'open' ? resolve() : consumer.once('open', () => resolve())));
  },
  /** Direct mode: one peer connection to the other page; the bench relays the SDP (no trickle: waits for gathering). */
  async directOffer(): Promise<RTCSessionDescriptionInit> {
    const pc = (state.pc = new RTCPeerConnection());
    const dc = pc.createDataChannel('probe', { ordered: true });
    dc.binaryType = 'arraybuffer';
    state.channel = {
      send: (data) => dc.send(data),
      get bufferedAmount() {
        return dc.bufferedAmount;
      },
      set bufferedAmountLowThreshold(value: number) {
        dc.bufferedAmountLowThreshold = value;
      },
      get bufferedAmountLowThreshold() {
        return dc.bufferedAmountLowThreshold;
      },
      addLow: (listener) => dc.addEventListener('bufferedamountlow', listener),
    };
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    return pc.localDescription!.toJSON();
  },
  async directAnswer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
    const pc = (state.pc = new RTCPeerConnection());
    pc.ondatachannel = ({ channel }) => {
      channel.binaryType = 'arraybuffer';
      channel.onmessage = ({ data }) => onMessage(data);
    };
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    return pc.localDescription!.toJSON();
  },
  async directAccept(answer: RTCSessionDescriptionInit): Promise<void> {
    await state.pc!.setRemoteDescription(answer);
    await new Promise<void>((resolve) => {
      const check = () => (state.pc!.sctp?.state === 'connected' ? resolve() : setTimeout(check, 20));
      check();
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
  },
  /**
   * Sends `bytes` in `messageBytes` messages, writing while bufferedAmount ≤ high; samples
   * bufferedAmount every 100 ms. `channels` > 1 (SFU mode): round-robin over that many data
   * producers of the one association, each with its share of the marks.
   */
  async sendAll(args: { bytes: number; messageBytes: number; high: number; low: number; channels?: number }): Promise<{ startedAt: number; writtenAt: number; buffered: [number, number][]; waits: number }> {
    const used = state.channels.length > 0 ? state.channels.slice(0, args.channels ?? 1) : [state.channel!];
    const high = args.high / used.length;
    for (const one of used) {
      one.bufferedAmountLowThreshold = args.low / used.length;
      if (wired.has(one)) continue;
      wired.add(one);
      one.addLow(() => {
        const w = wake;
        wake = undefined;
        w?.();
      });
    }
    let turn = 0;
    const channel = {
      get bufferedAmount() {
        return used.reduce((sum, one) => sum + one.bufferedAmount, 0);
      },
      send(data: ArrayBuffer) {
        used[turn++ % used.length]!.send(data);
      },
      get next() {
        return used[turn % used.length]!;
      },
    };
    const chunk = new Uint8Array(args.messageBytes);
    crypto.getRandomValues(chunk.subarray(0, Math.min(65536, chunk.length)));
    const buffered: [number, number][] = [];
    const sampler = setInterval(() => buffered.push([(performance.timeOrigin + performance.now()), channel.bufferedAmount]), 100);
    const startedAt = (performance.timeOrigin + performance.now());
    let waits = 0;
    for (let sent = 0; sent < args.bytes; sent += args.messageBytes) {
      if (channel.next.bufferedAmount > high) {
        waits++;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 1000);
        });
      }
      channel.send(chunk.slice(0, Math.min(args.messageBytes, args.bytes - sent)).buffer);
    }
    const writtenAt = (performance.timeOrigin + performance.now());
    clearInterval(sampler);
    return { startedAt, writtenAt, buffered, waits };
  },
  resetReceived(): void {
    state.received = 0;
    state.arrivals = [];
    state.firstAt = undefined;
    state.lastAt = undefined;
  },
  received() {
    return { received: state.received, firstAt: state.firstAt, lastAt: state.lastAt, arrivals: state.arrivals };
  },
};

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, 3000);
  });
}

window.probe = probe;
