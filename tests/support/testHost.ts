import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Host } from '../../electron/host/Host';
import type { HostConfigInput } from '../../electron/host/config';
import { createLogger } from '../../electron/host/logger';

/** A real host on 127.0.0.1 with ephemeral ports: real workers, real socket.io. */
export async function startTestHost(overrides: HostConfigInput = {}): Promise<Host> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-test-'));
  return Host.start(
    {
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      httpPort: 0,
      rtcPort: 0,
      workers: 1,
      tls: false,
      discovery: false,
      roomIdleCloseMs: 200,
      dataDir,
      ...overrides,
    },
    { logger: createLogger(process.env.ROUNDTABLE_TEST_LOG ?? 'silent') },
  );
}

export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
