import type { types } from 'mediasoup-client';
import { describe, expect, it, vi } from 'vitest';
import type { SignalingClient } from '../SignalingClient';
import { FileSender } from './FileSender';
import { TransferRecord, type FileTransfer } from './FileTransfer';

/** A data producer whose send buffer the test controls (what the browser has not handed to SCTP yet). */
function fakeProducer() {
  const producer = {
    closed: false,
    readyState: 'open',
    bufferedAmount: 0,
    bufferedAmountLowThreshold: 0,
    observer: { once: vi.fn() },
    on: vi.fn(),
    send: vi.fn(),
    close: vi.fn(() => void (producer.closed = true)),
  };
  return producer;
}

const initial: FileTransfer = { id: 't1', direction: 'outgoing', name: 'a.bin', size: 1024, mimeType: '', private: false, state: 'starting', bytes: 0, startedAt: 0 } as FileTransfer;

describe('FileSender: an ended transfer', () => {
  it('tells the host once nothing of it is queued here any more, so the host closes its channel only then', async () => {
    const producer = fakeProducer();
    const transport = { produceData: vi.fn(async () => producer) } as unknown as types.Transport;
    const requests: string[] = [];
    const signaling = { request: vi.fn(async (name: string) => void requests.push(name)) } as unknown as SignalingClient;
    const sender = new FileSender(new TransferRecord(initial, () => undefined), new Blob([new Uint8Array(1024)]), signaling);
    const running = sender.run(transport);
    await vi.waitFor(() => expect(producer.on).toHaveBeenCalled());
    producer.bufferedAmount = 512 * 1024; // still queued on this side when the recipient cancels
    sender.onEnded({ transferId: 't1', reason: 'cancelled' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requests).not.toContain('fileDrained');
    expect(producer.close).not.toHaveBeenCalled();
    producer.bufferedAmount = 0;
    await vi.waitFor(() => expect(requests).toContain('fileDrained'));
    expect(signaling.request).toHaveBeenCalledWith('fileDrained', { transferId: 't1' });
    await running;
  });
});
