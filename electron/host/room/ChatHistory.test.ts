import { describe, expect, it } from 'vitest';
import { ChatHistory } from './ChatHistory';

const message = (i: number, text: string) => ({ id: `m${i}`, peerId: 'p', displayName: 'Ann', text, sentAt: i });

describe('ChatHistory', () => {
  it('keeps the newest messages within the count cap', () => {
    const history = new ChatHistory(3, 1_000_000);
    for (let i = 0; i < 5; i++) history.add(message(i, `t${i}`));
    expect(history.messages.map((m) => m.text)).toEqual(['t2', 't3', 't4']);
  });

  it('keeps the newest messages within the byte budget, counting UTF-8 bytes', () => {
    const history = new ChatHistory(100, 1_000);
    for (let i = 0; i < 10; i++) history.add(message(i, 'é'.repeat(150)));
    expect(history.bytes).toBeLessThanOrEqual(1_000);
    expect(history.messages.length).toBe(2);
    expect(history.messages.at(-1)?.id).toBe('m9');
  });
});
