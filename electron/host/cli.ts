/**
 * Headless host: `npm run host`. Configured by ROUNDTABLE_* environment variables (README).
 */
import { configFromEnv } from './config';
import { Host } from './Host';

async function main(): Promise<void> {
  const host = await Host.start(configFromEnv());
  const { http, rtc } = host.ports;
  const lines = [
    `Roundtable host ready: ${host.baseUrl}`,
    `  Join link:   ${host.joinUrl('lobby')}  (any room name works: ?room=<name>)`,
    `  Host link:   ${host.ownerJoinUrl('lobby')}  (opens the room as its host; keep it private)`,
    ...(host.tls ? [`  Certificate: SHA-256 ${host.tls.fingerprint}`] : []),
    `  Firewall:    allow TCP ${http} and UDP+TCP ${rtc.join(', ')}`,
    `  Admin token: ${host.config.adminToken ? '(from ROUNDTABLE_ADMIN_TOKEN)' : host.adminToken}  (for /api/health details and /api/rooms/<id>/stats)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    host.logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    void host.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (process.env.ROUNDTABLE_STOP_WITH_PARENT === '1') stopWithParent(() => stop('parent exited'));
}

/**
 * A host started by a test harness or a supervisor script stops when that parent dies, even by
 * SIGKILL (no signal reaches the host then): the orphan is re-parented, so its parent pid changes.
 */
function stopWithParent(stop: () => void): void {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    stop();
  }, 1_000);
  watch.unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`Roundtable host failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
