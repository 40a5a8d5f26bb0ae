/**
 * Where bench:join runs its servers and browser. On loopback (the default): both servers on
 * 127.0.0.1 and Chromium in the root namespace. In the network lab (BENCH_LAB=1, root on Linux):
 * both servers in the lab's host namespace at 10.77.0.1 (over HTTPS, as a LAN host must be), the
 * host's link behind the lab's delay line (BENCH_LAB_DELAY_MS ± BENCH_LAB_JITTER_MS each way,
 * default 15 ± 5: a 30 ms round trip ± 10 ms), and Chromium in a participant namespace.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labAvailability } from '../../tests/lab/availability';
import { delayLine, type Restore } from '../../tests/lab/faults';
import { HOST_ADDRESS, Lab } from '../../tests/lab/Lab';
import { CHROMIUM_WRAPPER } from '../../tests/lab/participants';

export interface JoinPlacement {
  /** Server options: where to listen (undefined: loopback). */
  listenIp?: string;
  /** For the bare server's HTTPS certificate. */
  dataDir?: string;
  /** The namespace the servers run in (undefined: this one). */
  serverNetns?: string;
  browser: { executablePath: string; env?: Record<string, string> };
  /** Extra Chromium flags for this placement. */
  browserArgs: string[];
  describe: Record<string, unknown>;
  close(): Promise<void>;
}

export async function joinPlacement(chromiumPath: string): Promise<JoinPlacement> {
  if (process.env.BENCH_LAB !== '1') return { browser: { executablePath: chromiumPath }, browserArgs: [], describe: { path: 'loopback' }, close: async () => undefined };
  const availability = await labAvailability();
  if (!availability.ok) throw new Error(`BENCH_LAB=1 but the network lab is not available: ${availability.reason}`);
  const delayMs = Number(process.env.BENCH_LAB_DELAY_MS ?? 15);
  const jitterMs = Number(process.env.BENCH_LAB_JITTER_MS ?? 5);
  const lab = await Lab.create({ participants: 1 });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'join-lab-'));
  let restore: Restore | undefined;
  const close = async () => {
    await restore?.();
    lab.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (delayMs > 0) restore = await delayLine(lab, lab.host, delayMs, jitterMs);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    listenIp: HOST_ADDRESS,
    dataDir,
    serverNetns: lab.host.namespace,
    browser: { executablePath: CHROMIUM_WRAPPER, env: { RTLAB_NETNS: lab.participants[0]!.namespace, RTLAB_CHROMIUM: chromiumPath } },
    // A closed LAN: host candidates as addresses, not mDNS names nobody there resolves.
    browserArgs: ['--disable-features=WebRtcHideLocalIpsWithMdns'],
    describe: { path: 'network lab', roundTripMs: 2 * delayMs, jitterMs: 2 * jitterMs, hostAddress: HOST_ADDRESS },
    close,
  };
}
