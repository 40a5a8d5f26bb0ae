import type { Logger } from '../logger';

let installedFor: Logger | undefined;

/**
 * A rejected promise nobody handled, or an exception thrown from a callback, must not end a host
 * that is serving meetings: log it with its stack and keep serving. Installed once per process
 * (the host runs inside the Electron main process or headless); later calls only swap the logger.
 */
export function installProcessGuards(logger: Logger): void {
  const first = installedFor === undefined;
  installedFor = logger;
  if (!first) return;
  process.on('unhandledRejection', (reason) => {
    installedFor?.error({ err: reason instanceof Error ? reason : new Error(String(reason)) }, 'unhandled promise rejection (host keeps serving)');
  });
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    installedFor?.error({ err: error, origin }, 'uncaught exception');
  });
}
