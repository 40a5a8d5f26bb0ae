import os from 'node:os';
import { Bonjour, type Service } from 'bonjour-service';
import type { DiscoveredMeeting } from '../../shared/ipc';
import type { Logger } from './logger';

export const SERVICE_TYPE = 'roundtable';

export interface AdvertisedMeeting {
  roomId: string;
  url: string;
  port: number;
  fingerprint?: string;
}

export type { DiscoveredMeeting } from '../../shared/ipc';

/**
 * multicast-dns socket options. The default is real mDNS (224.0.0.251:5353 on the LAN); tests
 * pass `{ multicast: false, ip: '127.0.0.1', port, interface: '127.0.0.1' }` to stay on loopback.
 */
export type MdnsOptions = Record<string, unknown>;

/** `_roundtable._tcp` over mDNS: advertise each open meeting, browse for others' meetings. */
export class Discovery {
  readonly #bonjour: Bonjour;
  readonly #published = new Map<string, Service>();
  readonly #hostName: string;
  readonly #logger: Logger;
  #closed = false;

  constructor(options: { logger: Logger; hostName?: string; mdns?: MdnsOptions }) {
    this.#logger = options.logger;
    this.#hostName = options.hostName ?? os.hostname();
    this.#bonjour = new Bonjour(options.mdns, (error: Error) => this.#logger.warn({ err: error.message }, 'mDNS error'));
  }

  advertise(meeting: AdvertisedMeeting): void {
    if (this.#closed || this.#published.has(meeting.roomId)) return;
    const service = this.#bonjour.publish({
      // Unique on the LAN: two hosts may both have a "standup".
      name: `${meeting.roomId} @ ${this.#hostName}`.slice(0, 63),
      type: SERVICE_TYPE,
      port: meeting.port,
      probe: false,
      disableIPv6: true,
      txt: { v: '1', room: meeting.roomId, host: this.#hostName, url: meeting.url, ...(meeting.fingerprint ? { fp: meeting.fingerprint } : {}) },
    });
    this.#published.set(meeting.roomId, service);
    this.#logger.info({ roomId: meeting.roomId }, 'meeting advertised on the LAN');
  }

  withdraw(roomId: string): void {
    const service = this.#published.get(roomId);
    if (!service) return;
    this.#published.delete(roomId);
    (service.stop as (() => void) | undefined)?.();
  }

  /** Calls `listener` with the full list whenever it changes. Returns the unsubscribe function. */
  browse(listener: (meetings: DiscoveredMeeting[]) => void): () => void {
    const browser = this.#bonjour.find({ type: SERVICE_TYPE });
    const emit = () => listener(browser.services.map(toMeeting).filter((m): m is DiscoveredMeeting => m !== undefined));
    browser.on('up', emit);
    browser.on('down', emit);
    browser.on('txt-update', emit);
    return () => browser.stop();
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => {
      this.#bonjour.unpublishAll(() => this.#bonjour.destroy(() => resolve()));
      this.#published.clear();
    });
  }
}

function toMeeting(service: Service): DiscoveredMeeting | undefined {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  const url = typeof txt.url === 'string' ? txt.url : undefined;
  const roomId = typeof txt.room === 'string' ? txt.room : undefined;
  if (!url || !roomId || !/^https?:\/\//.test(url)) return undefined;
  return {
    roomId,
    name: service.name,
    hostName: typeof txt.host === 'string' ? txt.host : service.host,
    url,
    fingerprint: typeof txt.fp === 'string' ? txt.fp : undefined,
  };
}
