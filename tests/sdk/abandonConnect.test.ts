/**
 * Issue 11, behaviour 1: a rejoin's connection attempt that went out while the network was down
 * (its TCP SYN lost, the next one only after the kernel's backoff) is given up when the network
 * comes back, so a fresh attempt can go at once. A real socket.io client against a server that
 * accepts TCP and never answers (as a host behind a dead link looks).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../renderer/src/conference/errors';
import { SignalingClient } from '../../renderer/src/conference/SignalingClient';

let server: net.Server | undefined;
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

describe('SignalingClient.abandonConnect', () => {
  it('fails the attempt in flight at once, typed as unreachable; nothing to abandon otherwise', async () => {
    server = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const client = new SignalingClient(`http://127.0.0.1:${port}`);
    expect(client.abandonConnect()).toBe(false);
    const attempt = client.connect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.abandonConnect(1_000), 'an attempt younger than the minimum age is kept').toBe(false);
    const started = Date.now();
    expect(client.abandonConnect()).toBe(true);
    const error = await attempt.then(() => undefined, (e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(100);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).reason).toBe('unreachable');
    expect(client.abandonConnect()).toBe(false);
    client.disconnect();
  });
});
