import { describe, expect, it } from 'vitest';
import type { NewConsumer } from '../../../shared/protocol';
import { PeerLink } from './PeerLink';
import type { Session } from './Session';

/** A connection as PeerLink sees it: what it was sent, in order. */
function connection() {
  const sent: [string, number | undefined][] = [];
  const offers: number[] = [];
  let connected = true;
  const session = {
    address: '10.0.0.2',
    consumerBatches: true,
    scoreBatches: true,
    signal: new AbortController().signal,
    socket: {
      get connected() {
        return connected;
      },
    },
    notify: (name: string, _data: unknown, seq?: number) => void sent.push([name, seq]),
    offerConsumers: (batch: NewConsumer[]) => {
      offers.push(batch.length);
      return Promise.resolve(batch.map((c) => ({ consumerId: c.consumerId, ok: true as const })));
    },
    disconnect: () => void (connected = false),
  };
  return { session: session as unknown as Session, sent, offers, isConnected: () => connected };
}

const chat = (link: PeerLink, n: number) => {
  for (let i = 0; i < n; i++) link.notify('handRaised', { peerId: 'p', raised: i % 2 === 0 });
};

describe('PeerLink', () => {
  it('sends every notification after the last one received again on the new connection, in order', () => {
    const first = connection();
    const link = new PeerLink(first.session, 100);
    chat(link, 5);
    link.detach(60_000, () => undefined);
    chat(link, 3);
    expect(first.sent.map(([, seq]) => seq)).toEqual([1, 2, 3, 4, 5]);
    const second = connection();
    // The client got up to 3 (4 and 5 died with the old connection).
    expect(link.attach(second.session, 3)).toBe(true);
    expect(second.sent.map(([, seq]) => seq)).toEqual([4, 5, 6, 7, 8]);
    chat(link, 1);
    expect(second.sent.at(-1)).toEqual(['handRaised', 9]);
    expect(first.isConnected()).toBe(false);
  });

  it('refuses a resume from before what the bounded log still holds, or from a number never sent', () => {
    const link = new PeerLink(connection().session, 16);
    chat(link, 40);
    link.detach(60_000, () => undefined);
    expect(link.attach(connection().session, 41)).toBe(false);
    expect(link.attach(connection().session, 3)).toBe(false);
    const back = connection();
    expect(link.attach(back.session, 30)).toBe(true);
    expect(back.sent.map(([, seq]) => seq)).toEqual([31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
  });

  it('holds an offer while detached and makes it on the connection it resumes on', async () => {
    const first = connection();
    const link = new PeerLink(first.session);
    link.detach(60_000, () => undefined);
    const offer = link.offerConsumers([{ consumerId: 'c1' } as NewConsumer], 5_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = connection();
    link.attach(second.session, 0);
    await expect(offer).resolves.toEqual([{ consumerId: 'c1', ok: true }]);
    expect(first.offers).toEqual([]);
    expect(second.offers).toEqual([1]);
  });

  it('fails a held offer when the participant is gone for good, or when it is not back in time', async () => {
    const link = new PeerLink(connection().session);
    link.detach(60_000, () => undefined);
    const held = link.offerConsumers([{ consumerId: 'c1' } as NewConsumer], 5_000);
    link.release();
    await expect(held).rejects.toThrow('the participant left');
    const other = new PeerLink(connection().session);
    other.detach(60_000, () => undefined);
    await expect(other.offerConsumers([{ consumerId: 'c2' } as NewConsumer], 50)).rejects.toThrow('reconnecting');
    expect(other.attach(connection().session, 0)).toBe(true);
  });
});
