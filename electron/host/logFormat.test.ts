import { describe, expect, it } from 'vitest';
import { formatLine } from './logFormat';
import { defaultLogFormat } from './logger';

describe('terminal log lines', () => {
  it('shows time, level, message and key=value fields, and an error stack below', () => {
    const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 10, 30, 12, 3, 4, 567), pid: 1, hostname: 'h', name: 'roundtable-host', msg: 'room moved', roomId: 'standup', to: 1, note: 'two words' });
    expect(formatLine(line)).toBe('12:03:04.567 WARN  room moved roomId=standup to=1 note="two words"');
    const withError = formatLine(JSON.stringify({ level: 50, time: 0, msg: 'failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at deep (file.ts:1:1)' } }));
    expect(withError).toBe('00:00:00.000 ERROR failed\n  Error: boom\n      at deep (file.ts:1:1)');
    expect(formatLine('not json')).toBe('not json');
  });

  it('is readable on a terminal and JSON otherwise, unless ROUNDTABLE_LOG_FORMAT says', () => {
    expect(defaultLogFormat({}, { isTTY: true })).toBe('pretty');
    expect(defaultLogFormat({}, { isTTY: false })).toBe('json');
    expect(defaultLogFormat({ ROUNDTABLE_LOG_FORMAT: 'json' }, { isTTY: true })).toBe('json');
  });
});
