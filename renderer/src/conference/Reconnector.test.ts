import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError } from './errors';
import { Reconnector, type ReconnectSteps } from './Reconnector';

/** Every try fails after `tryMs` (a connect that timed out, or a refusal at once), `tries` times, then succeeds. */
function steps(tryMs: number, tries: number) {
  const starts: number[] = [];
  const fail = vi.fn();
  const reconnectSteps: ReconnectSteps = {
    establish: async () => {
      starts.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, tryMs));
      if (starts.length <= tries) throw new ConnectionError('timeout', 'timeout', 'connect timed out');
    },
    discard: () => undefined,
    leaveOnHost: async () => undefined,
    fail,
  };
  return { starts, fail, reconnectSteps };
}

const every = (ms: number) => ({ nextRetryDelayMs: () => ms });
/** Gaps between the starts of tries, to the 10 ms (a zero wait is still a timer tick). */
const gaps = (starts: number[]) => starts.slice(1).map((t, i) => Math.round((t - starts[i]!) / 10) * 10);

describe('reconnector', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('spaces the starts of tries by the policy: a try that took its time (a connect timing out) has already waited', async () => {
    // A host whose link is down: each connect waits out its timeout (2.5 s). Waiting the policy's
    // delay after that as well left up to 3.5 s without a new connection attempt.
    const { starts, reconnectSteps } = steps(2_500, 3);
    const done = new Reconnector(every(1_000), reconnectSteps).run({ current: true } as never);
    await vi.advanceTimersByTimeAsync(20_000);
    await done;
    expect(starts).toHaveLength(4);
    expect(gaps(starts)).toEqual([2_500, 2_500, 2_500]);
  });

  it('a try that fails at once waits the whole delay before the next', async () => {
    const { starts, reconnectSteps } = steps(10, 3);
    const done = new Reconnector(every(1_000), reconnectSteps).run({ current: true } as never);
    await vi.advanceTimersByTimeAsync(20_000);
    await done;
    expect(gaps(starts)).toEqual([1_000, 1_000, 1_000]);
  });

  it('a try slower than the delay is followed at once by the next; the loop still ends when the policy gives up', async () => {
    const { starts, fail, reconnectSteps } = steps(600, 100);
    let calls = 0;
    const done = new Reconnector({ nextRetryDelayMs: () => (++calls > 5 ? null : 400) }, reconnectSteps).run({ current: true } as never);
    await vi.advanceTimersByTimeAsync(20_000);
    await done;
    expect(gaps(starts)).toEqual([600, 600, 600, 600]);
    expect(fail).toHaveBeenCalledTimes(1);
  });
});
