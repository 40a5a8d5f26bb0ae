import type { HostConfigInput } from '../host/config';
import type { HostingInfo } from '../../shared/ipc';
import { IpcFailure } from './ipc';
import { normalizeFingerprint } from './certificates';
import type { Settings } from './settings';

/** What the hosting service uses of electron/host's Host (tests may pass the real one). */
export interface HostLike {
  readonly baseUrl: string;
  readonly announcedIp: string;
  readonly ownerKey: string;
  readonly tls?: { fingerprint: string };
  readonly ports: { http: number; rtc: number[] };
  readonly rooms: { all(): Array<{ peers: ReadonlyMap<string, { channel: { address: string } }> }> };
  joinUrl(roomId: string): string;
  stop(): Promise<void>;
  /** Whether rooms opened from now on start with a waiting room. */
  setWaitingRoomDefault?(enabled: boolean): void;
}

export interface HostingOptions {
  startHost(config: HostConfigInput): Promise<HostLike>;
  config(): HostConfigInput;
  /** Asks the user whether to end the meeting for `peers` people; true = go ahead. */
  confirmStop(peers: number): Promise<boolean>;
  onStarted?(host: HostLike): void;
  onStopped?(host: HostLike): void;
}

/** The host config the desktop app runs with: every interface, the LAN address announced. */
export function desktopHostConfig(settings: Settings, paths: { dataDir: string; webRoot: string }): HostConfigInput {
  return {
    listenIp: '0.0.0.0',
    ...(settings.announcedIp ? { announcedIp: settings.announcedIp } : {}),
    httpPort: settings.hostPorts.http,
    rtcPort: settings.hostPorts.rtc,
    tls: true,
    discovery: true,
    ...(settings.waitingRoom ? { waitingRoom: true } : {}),
    dataDir: paths.dataDir,
    webRoot: paths.webRoot,
  };
}

/** The real Host, imported late so MEDIASOUP_WORKER_BIN is set before mediasoup loads. */
export async function startRealHost(config: HostConfigInput): Promise<HostLike> {
  const { Host } = await import('../host/Host');
  return Host.start(config);
}

/**
 * People connected from other machines. The app's own window is a peer too, connecting from
 * this machine's announced address (or loopback), and ending your own meeting needs no warning.
 */
export function remotePeerCount(host: HostLike): number {
  const local = new Set([host.announcedIp, '127.0.0.1', '::1']);
  let count = 0;
  for (const room of host.rooms.all()) {
    for (const peer of room.peers.values()) {
      const address = peer.channel.address.replace(/^::ffff:/, '');
      if (!local.has(address)) count += 1;
    }
  }
  return count;
}

/**
 * The embedded SFU host, owned by the main process so it outlives renderer reloads. One host
 * serves any number of rooms; `start` for a second room reuses it.
 */
export class HostingService {
  readonly #options: HostingOptions;
  #host: HostLike | undefined;
  #starting: Promise<HostLike> | undefined;
  #roomId: string | undefined;

  constructor(options: HostingOptions) {
    this.#options = options;
  }

  get running(): boolean {
    return this.#host !== undefined;
  }

  async start(roomId: string): Promise<HostingInfo> {
    const host = this.#host ?? (await this.#launch());
    // The setting as it is now (it may have changed since the host started) for the room about to open.
    host.setWaitingRoomDefault?.(this.#options.config().waitingRoom ?? false);
    this.#roomId = roomId;
    return this.#info(host, roomId);
  }

  status(): HostingInfo | null {
    return this.#host && this.#roomId ? this.#info(this.#host, this.#roomId) : null;
  }

  /** Stops the host, asking first if others are connected. `stopped: false` = the user declined. */
  async stop(options: { confirm?: boolean } = {}): Promise<{ stopped: boolean }> {
    const host = this.#host ?? (await this.#starting?.catch(() => undefined));
    if (!host) return { stopped: true };
    const peers = remotePeerCount(host);
    if ((options.confirm ?? true) && peers > 0 && !(await this.#options.confirmStop(peers))) return { stopped: false };
    if (this.#host !== host) return { stopped: true }; // stopped meanwhile by another caller
    this.#host = undefined;
    this.#roomId = undefined;
    try {
      await host.stop();
    } finally {
      this.#options.onStopped?.(host);
    }
    return { stopped: true };
  }

  #launch(): Promise<HostLike> {
    this.#starting ??= this.#options
      .startHost(this.#options.config())
      .then(
        (host) => {
          this.#host = host;
          this.#options.onStarted?.(host);
          return host;
        },
        (error: unknown) => {
          throw toIpcFailure(error);
        },
      )
      .finally(() => {
        this.#starting = undefined;
      });
    return this.#starting;
  }

  #info(host: HostLike, roomId: string): HostingInfo {
    const fingerprint = host.tls ? normalizeFingerprint(host.tls.fingerprint) : undefined;
    return {
      roomId,
      baseUrl: host.baseUrl,
      joinUrl: host.joinUrl(roomId),
      ownerKey: host.ownerKey,
      ...(fingerprint ? { fingerprint } : {}),
      ports: host.ports,
    };
  }
}

function toIpcFailure(error: unknown): IpcFailure {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EADDRINUSE') return new IpcFailure('unavailable', `a port the host needs is already in use (${message}); pick other host ports in settings`);
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') return new IpcFailure('unavailable', `the host could not listen: ${message}`);
  return new IpcFailure('internal', `the host could not start: ${message}`);
}
