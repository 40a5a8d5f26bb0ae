import { createWorker, type types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Peer } from '../../electron/host/Peer';
import { closeDrained, SenderDrains } from '../../electron/host/room/DataChannels';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An ended transfer's data producer is closed (its SCTP stream reset) only after its sender said
 * its side drained: a pause in arrivals is no proof on a busy machine, where a sender stalls for
 * seconds with megabytes still queued, and a reset then stopped the sender's whole association
 * (tests/cluster/spanFiles.test.ts: the next file stalled at 0 bytes under CI load).
 */
describe('closing an ended transfer\'s data producer', () => {
  let worker: types.Worker;
  let transport: types.DirectTransport;
  beforeAll(async () => {
    worker = await createWorker({ logLevel: 'warn' });
    transport = await (await worker.createRouter()).createDirectTransport();
  });
  afterAll(() => worker.close());

  const options = { drainQuietMs: 100, drainMaxMs: 2_500 };

  it('waits for the sender\'s word, however long nothing arrives, then for quiet', async () => {
    const producer = await transport.produceData();
    let drained!: () => void;
    closeDrained(producer, false, options, new Promise<void>((resolve) => (drained = resolve)));
    producer.send('queued on the sender');
    await sleep(800); // eight times the quiet period, nothing arriving
    expect(producer.closed).toBe(false);
    drained();
    await sleep(400);
    expect(producer.closed).toBe(true);
  });

  it('closes at the deadline when the sender never says', async () => {
    const producer = await transport.produceData();
    const startedAt = Date.now();
    closeDrained(producer, false, options, new Promise<void>(() => undefined));
    await new Promise<void>((resolve) => producer.observer.once('close', () => resolve()));
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(options.drainMaxMs - 50);
  });

  it('the sender\'s word counts only from the sender, and also when it came before the transfer ended here', async () => {
    const drains = new SenderDrains();
    const sender = { id: 'ann' } as Peer;
    const other = { id: 'ben' } as Peer;
    let resolved = false;
    void drains.wait('t1', sender, 5_000).then(() => (resolved = true));
    drains.drained(other, 't1');
    await sleep(10);
    expect(resolved).toBe(false);
    drains.drained(sender, 't1');
    await sleep(10);
    expect(resolved).toBe(true);

    drains.early(sender, 't2', 5_000);
    await expect(drains.wait('t2', sender, 5_000)).resolves.toBeUndefined();
  });
});
