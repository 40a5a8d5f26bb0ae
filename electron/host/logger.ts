import pino from 'pino';
import { prettyStream } from './logFormat';

export type Logger = pino.Logger;
export type LogFormat = 'pretty' | 'json';

/** Readable lines on a terminal; JSON lines for machines (not a TTY, or ROUNDTABLE_LOG_FORMAT=json). */
export function defaultLogFormat(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stderr): LogFormat {
  if (env.ROUNDTABLE_LOG_FORMAT === 'json' || env.ROUNDTABLE_LOG_FORMAT === 'pretty') return env.ROUNDTABLE_LOG_FORMAT;
  return stream.isTTY ? 'pretty' : 'json';
}

/**
 * Structured logs. Redaction keeps secrets out even if a caller logs a whole payload by mistake.
 * Media never passes through the Node process, so there is no media payload to leak. Errors are
 * logged under `err` with their stacks (pino's error serializer).
 */
export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = defaultLogFormat()): Logger {
  const options: pino.LoggerOptions = {
    name: 'roundtable-host',
    level,
    serializers: { err: pino.stdSerializers.err },
    redact: {
      paths: ['passcode', '*.passcode', 'resumeToken', '*.resumeToken', 'adminToken', '*.adminToken', 'ownerKey', '*.ownerKey', 'turnSecret', '*.dtlsParameters', '*.rtpParameters'],
      censor: '[redacted]',
    },
  };
  if (destination) return pino(options, destination);
  // Synchronous writes to stderr: nothing is lost when the process exits right after a log line.
  const stderr = pino.destination({ dest: 2, sync: true });
  return pino(options, format === 'pretty' ? prettyStream(stderr) : stderr);
}
