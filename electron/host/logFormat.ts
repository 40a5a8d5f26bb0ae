import { Transform, type TransformCallback } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'err', 'v']);

/**
 * Turns pino's JSON lines into lines a person reads on a terminal:
 * `12:03:04.567 WARN  room moved to a live worker roomId=standup from=0 to=1`, with an error's
 * stack on the lines below. Anything that is not a pino line passes through unchanged.
 */
export function formatLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = new Date(typeof record.time === 'number' ? record.time : Date.now()).toISOString().slice(11, 23);
  const level = LEVELS[record.level as number] ?? String(record.level);
  const fields = Object.entries(record)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  const err = record.err as { type?: string; message?: string; stack?: string } | undefined;
  const head = [time, level, String(record.msg ?? ''), ...fields, ...(err && !err.stack ? [`err=${formatValue(err.message)}`] : [])].join(' ');
  return err?.stack ? `${head}\n  ${err.stack.split('\n').join('\n  ')}` : head;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/** A stream that formats each JSON line written to it and passes the result to `destination`. */
export function prettyStream(destination: { write(chunk: string): unknown }): Transform {
  let pending = '';
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      const text = pending + chunk.toString('utf8');
      const lines = text.split('\n');
      pending = lines.pop() ?? '';
      done(null, lines.map((line) => `${formatLine(line)}\n`).join(''));
    },
    flush(done: TransformCallback) {
      done(null, pending ? `${formatLine(pending)}\n` : '');
    },
  });
  stream.on('data', (text: Buffer | string) => destination.write(String(text)));
  return stream;
}
