import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured logs. Redaction keeps secrets out even if a caller logs a whole payload by mistake.
 * Media never passes through the Node process, so there is no media payload to leak.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: 'roundtable-host',
      level,
      redact: {
        paths: ['passcode', '*.passcode', 'resumeToken', '*.resumeToken', 'adminToken', '*.adminToken', 'turnSecret', '*.dtlsParameters', '*.rtpParameters'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 2, sync: false }),
  );
}
