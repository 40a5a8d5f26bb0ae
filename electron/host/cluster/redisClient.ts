import { Redis } from 'ioredis';
import type { Logger } from '../logger';

/**
 * One ioredis connection that never blocks a caller for long: commands fail fast while Redis is
 * away (no offline queue, bounded per-command time), and the client keeps reconnecting on its own.
 */
export function connectRedis(url: string, logger: Logger, commandTimeoutMs = 1_500): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(100 * times, 1_000),
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ err: error.message }, 'cluster: Redis unreachable; retrying');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('cluster: Redis reachable again');
    down = false;
  });
  return redis;
}
