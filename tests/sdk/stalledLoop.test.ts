/**
 * A client whose own event loop is held up (a long synchronous call, a starved machine) must not
 * call the host silent when the host's answer came in time and only sat unread. Node runs due
 * timers before it reads sockets, so a plain timer that expired during the hold fires first.
 * Real socket.io on 127.0.0.1; the hold is a synchronous busy wait, as a blocked call would be.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { SignalingClient } from '../../renderer/src/conference/SignalingClient';
import { withAwakeTimeout, withTimeout } from '../../renderer/src/conference/timeouts';

function holdLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else runs in this process meanwhile
  }
}

let http: HttpServer | undefined;
let io: Server | undefined;
let client: SignalingClient | undefined;

afterEach(async () => {
  client?.disconnect();
  await new Promise<void>((resolve) => {
    if (io) void io.close(() => resolve());
    else resolve();
  });
  http = io = client = undefined;
});

/** A host that answers `ping` at once, and a client connected to it. */
async function connected(): Promise<SignalingClient> {
  http = createServer();
  io = new Server(http, { path: '/socket.io' });
  io.on('connection', (socket) => socket.on('ping', (_data: unknown, ack: (answer: unknown) => void) => ack({ ok: true, data: {} })));
  await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
  client = new SignalingClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  await client.connect();
  return client;
}

describe('waiting for the host while our own event loop is held up', () => {
  it('the answer that arrived during the hold is read: the host answers, requests succeed', async () => {
    const signaling = await connected();
    expect(await signaling.answers(200)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const answered = signaling.answers(200);
      holdLoop(600); // the answer is in the socket buffer long before this ends
      expect(await answered).toBe(true);
    }
    const request = signaling.request('ping' as never, {} as never, 200);
    holdLoop(600);
    await expect(request).resolves.toBeDefined();
  });

  it('a host that does not answer is still found silent, after about the time asked', async () => {
    const signaling = await connected();
    io!.removeAllListeners('connection');
    for (const socket of io!.sockets.sockets.values()) socket.removeAllListeners('ping');
    const started = Date.now();
    expect(await signaling.answers(300)).toBe(false);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(1_500); // socket.io's own bound, 4× the deadline, ends it at the latest
  });

  it('a connection attempt held up with it still connects; a host that never answers is still given up on', async () => {
    const signaling = await connected();
    signaling.disconnect();
    signaling.connectTimeoutMs = 200;
    const connecting = signaling.connect();
    holdLoop(600); // nothing of the handshake could run: the deadline must not count this
    await expect(connecting).resolves.toBeUndefined();
    expect(signaling.connected).toBe(true);

    // A listener that accepts and never speaks: the attempt ends at about the time asked.
    const accepted: net.Socket[] = [];
    const mute = net.createServer((socket) => void accepted.push(socket));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const silent = new SignalingClient(`http://127.0.0.1:${(mute.address() as AddressInfo).port}`);
    silent.connectTimeoutMs = 300;
    const started = Date.now();
    await expect(silent.connect()).rejects.toMatchObject({ code: 'host_unreachable' });
    expect(Date.now() - started).toBeLessThan(1_200);
    silent.disconnect();
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => mute.close(() => resolve()));
  });

  it('a plain timer is what fails here (the reason for the awake one)', async () => {
    const signaling = await connected();
    const socket = signaling.socket as unknown as { emitWithAck(name: string, data: unknown): Promise<unknown> };
    const plain = withTimeout(socket.emitWithAck('ping', {}), 200, () => new Error('timed out'));
    holdLoop(600);
    await expect(plain).rejects.toThrow('timed out');
    const awake = withAwakeTimeout(socket.emitWithAck('ping', {}), 200, () => new Error('timed out'));
    holdLoop(600);
    await expect(awake).resolves.toEqual({ ok: true, data: {} });
  });
});
