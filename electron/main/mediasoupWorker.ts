import path from 'node:path';

/**
 * In the packaged app mediasoup lives inside app.asar, and a binary inside an archive cannot be
 * spawned: electron-builder unpacks it (asarUnpack) next to the archive. mediasoup reads
 * MEDIASOUP_WORKER_BIN when its module loads, so this must run before electron/host is imported.
 */
export function mediasoupWorkerBin(options: { isPackaged: boolean; resourcesPath: string; platform: NodeJS.Platform }): string | undefined {
  if (!options.isPackaged) return undefined;
  const file = options.platform === 'win32' ? 'mediasoup-worker.exe' : 'mediasoup-worker';
  return path.join(options.resourcesPath, 'app.asar.unpacked', 'node_modules', 'mediasoup', 'worker', 'out', 'Release', file);
}

export function configureMediasoupWorker(env: NodeJS.ProcessEnv, options: Parameters<typeof mediasoupWorkerBin>[0]): void {
  if (env.MEDIASOUP_WORKER_BIN) return; // an explicit override wins
  const bin = mediasoupWorkerBin(options);
  if (bin) env.MEDIASOUP_WORKER_BIN = bin;
}
