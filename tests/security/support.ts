import http from 'node:http';
import type { Host } from '../../electron/host/Host';
import { rawClient, type RawClient } from '../support/rawClient';
import type { Ack } from '../../shared/protocol';

export interface HealthDetails {
  status: string;
  workers: { routers: number; alive: boolean }[];
  rooms: { id: string; peers: number }[];
  peers: number;
}

/** /api/health as the operator sees it (admin token in the header), over real HTTP. */
export async function health(host: Host): Promise<HealthDetails> {
  const response = await fetch(`${host.baseUrl}/api/health`, { headers: { authorization: `Bearer ${host.adminToken}` } });
  return (await response.json()) as HealthDetails;
}

/** A raw socket.io client whose connections come from `sourceAddress` (any 127.x.y.z works on Linux loopback). */
export function rawClientFrom(baseUrl: string, sourceAddress: string): Promise<RawClient> {
  return rawClient(baseUrl, { agent: new http.Agent({ localAddress: sourceAddress }) as never });
}

/** Joins `roomId` with the router capabilities from `welcome`; resolves with the raw ack. */
export async function rawJoin(client: RawClient, roomId: string, displayName: string, extra: Record<string, unknown> = {}): Promise<Ack<any>> {
  const { routerRtpCapabilities } = await client.welcome;
  return client.request('join', { roomId, displayName, rtpCapabilities: routerRtpCapabilities, ...extra });
}

/** Resolves once the socket is closed by the host (or rejects after `timeoutMs`). */
export function closedByHost(client: RawClient, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!client.socket.connected) return resolve('already closed');
    const timer = setTimeout(() => reject(new Error('socket still open')), timeoutMs);
    client.socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

export function errorCode(ack: Ack<unknown>): string | undefined {
  return ack.ok ? undefined : ack.error.code;
}
