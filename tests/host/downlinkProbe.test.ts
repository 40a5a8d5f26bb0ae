import type { types } from 'mediasoup';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../electron/host/logger';
import { DownlinkProbe } from '../../electron/host/room/DownlinkProbe';
import { useWorkerRouter } from '../support/workerRouter';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const OPTIONS = { settleMs: 100, intervalMs: 300, checkEveryMs: 25 };

/**
 * The prober's decisions on a real mediasoup transport. Its 'bwe' traces are what the worker emits
 * for a receiver's congestion controller; here they are given, so that the estimate is known. What
 * a probe does on the wire (probe clusters, the estimate lifted) is measured in the network lab
 * (behaviour 5, bench:network).
 */
describe('downlink probe', () => {
  const worker = useWorkerRouter();

  async function watched(): Promise<{ transport: types.WebRtcTransport; maxima: number[]; bwe: (available: number, desired: number) => void }> {
    const transport = await worker.router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
    const maxima: number[] = [];
    const setMax = transport.setMaxOutgoingBitrate.bind(transport);
    transport.setMaxOutgoingBitrate = async (bitrate: number) => {
      maxima.push(bitrate);
      await setMax(bitrate);
    };
    const bwe = (availableBitrate: number, desiredBitrate: number) =>
      transport.emit('trace', { type: 'bwe', timestamp: Date.now(), direction: 'out', info: { availableBitrate, desiredBitrate } });
    return { transport, maxima, bwe };
  }

  it('asks for twice the estimate while it stays far below what the videos want, then lifts the maximum again', async () => {
    const { transport, maxima, bwe } = await watched();
    const probe = new DownlinkProbe(transport, createLogger('silent'), OPTIONS);
    bwe(200_000, 3_000_000);
    await vi.waitFor(() => expect(maxima).toEqual([400_000, 0]), { timeout: 5_000 });
    // The next one waits the interval, and steps from the estimate as it is then.
    bwe(800_000, 3_000_000);
    await vi.waitFor(() => expect(maxima).toEqual([400_000, 0, 1_600_000, 0]), { timeout: 5_000 });
    expect(probe.probes).toBe(2);
    transport.close();
  });

  it('steps again soon after a probe that found room (the link is opening), at the interval otherwise', async () => {
    const { transport, maxima, bwe } = await watched();
    const intervalMs = 3_000;
    const probe = new DownlinkProbe(transport, createLogger('silent'), { ...OPTIONS, intervalMs, followUpMs: 200 });
    bwe(200_000, 6_000_000);
    await vi.waitFor(() => expect(maxima).toEqual([400_000, 0]), { timeout: 5_000 });
    // The probe's result: the estimate doubled. The next step comes after followUpMs, not intervalMs.
    const found = Date.now();
    bwe(400_000, 6_000_000);
    await vi.waitFor(() => expect(maxima).toEqual([400_000, 0, 800_000, 0]), { timeout: intervalMs / 2 });
    expect(Date.now() - found).toBeLessThan(intervalMs / 2);
    // That one found nothing (the estimate stayed): the next waits the interval.
    await sleep(intervalMs / 2);
    expect(maxima).toHaveLength(4);
    await vi.waitFor(() => expect(maxima).toHaveLength(6), { timeout: intervalMs });
    expect(probe.probes).toBe(3);
    transport.close();
  });

  it('never asks for more than the videos want, and not at all once the estimate covers most of it', async () => {
    const { transport, maxima, bwe } = await watched();
    new DownlinkProbe(transport, createLogger('silent'), OPTIONS);
    bwe(1_000_000, 1_800_000);
    await vi.waitFor(() => expect(maxima).toEqual([1_800_000, 0]), { timeout: 5_000 });
    bwe(1_500_000, 1_800_000);
    await sleep(OPTIONS.intervalMs + 200);
    expect(maxima).toEqual([1_800_000, 0]);
    transport.close();
  });

  it('waits for a deficit to last, and stops with its transport', async () => {
    const { transport, maxima, bwe } = await watched();
    const settleMs = 1_000;
    const probe = new DownlinkProbe(transport, createLogger('silent'), { ...OPTIONS, settleMs });
    bwe(100_000, 3_000_000);
    await sleep(50);
    bwe(2_500_000, 3_000_000); // a dip much shorter than settleMs
    await sleep(settleMs + 200);
    expect(maxima).toEqual([]);
    bwe(100_000, 3_000_000);
    transport.close();
    await sleep(settleMs + OPTIONS.intervalMs);
    expect(maxima).toEqual([]);
    expect(probe.probes).toBe(0);
  });

  it('keeps under a maximum set by someone else, and puts that maximum back', async () => {
    const { transport, maxima, bwe } = await watched();
    // Before this, a probe set the maximum back to "none": a cap the host (or a test) had set was gone.
    await transport.setMaxOutgoingBitrate(500_000);
    new DownlinkProbe(transport, createLogger('silent'), OPTIONS);
    bwe(200_000, 3_000_000);
    await vi.waitFor(() => expect(maxima).toEqual([500_000, 400_000, 500_000]), { timeout: 5_000 });
    bwe(450_000, 3_000_000); // twice the estimate would pass the cap: the probe asks for the cap itself
    await vi.waitFor(() => expect(maxima).toEqual([500_000, 400_000, 500_000, 500_000, 500_000]), { timeout: 5_000 });
    // At the cap already (a starved receiver behind a 30 kbit/s maximum): nothing to probe.
    await transport.setMaxOutgoingBitrate(30_000);
    bwe(30_000, 3_000_000);
    await sleep(OPTIONS.settleMs + OPTIONS.intervalMs * 3);
    expect(maxima.slice(5)).toEqual([30_000]);
    transport.close();
  });
});
