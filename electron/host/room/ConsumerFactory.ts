import type { types } from 'mediasoup';
import type { NewConsumer } from '../../../shared/protocol';
import type { Logger } from '../logger';
import type { ConsumerAppData, Peer, ProducerAppData } from '../Peer';
import { toWireRtpParameters } from '../signaling/wire';
import { scoreReportsFor } from './ScoreReports';

/**
 * The producer each consumer reads, as the room knows it. A consumer on another worker reads a pipe
 * producer, which is also paused while nobody there forwards it (PipeDemand): whether the sender
 * paused is the source's state, not the consumer's `producerPaused`.
 */
const sources = new WeakMap<types.Consumer, types.Producer>();

export interface CreatedConsumer {
  consumer: types.Consumer<ConsumerAppData>;
  announcement: NewConsumer;
}

/**
 * The media graph's one operation: a consumer of `producer` on `consumerPeer`'s receive transport,
 * wired to tell the client about closes, layers and scores. A peer consumes each producer once,
 * however the join path and the new-producer path interleave.
 */
export async function createConsumer(
  router: types.Router,
  consumerPeer: Peer,
  producerPeerId: string,
  producer: types.Producer<ProducerAppData>,
  paused: boolean,
  logger: Logger,
): Promise<CreatedConsumer | undefined> {
  if (consumerPeer.closed || producer.closed || consumerPeer.consumedProducerIds.has(producer.id)) return undefined;
  if (!router.canConsume({ producerId: producer.id, rtpCapabilities: consumerPeer.rtpCapabilities })) {
    logger.warn({ peerId: consumerPeer.id, producerId: producer.id }, 'peer cannot consume producer (codec mismatch)');
    return undefined;
  }
  consumerPeer.consumedProducerIds.add(producer.id);
  let consumer: types.Consumer<ConsumerAppData>;
  try {
    consumer = await consumerPeer.recvTransport.consume<ConsumerAppData>({
      producerId: producer.id,
      rtpCapabilities: consumerPeer.rtpCapabilities,
      paused,
      // Retransmissions for audio too (Opus answers NACKs; mediasoup keeps `nack` only with this):
      // a receiver behind a lossy link gets lost audio packets resent instead of concealing them.
      enableRtx: true,
      appData: { peerId: consumerPeer.id, producerPeerId, source: producer.appData.source },
    });
  } catch (error) {
    consumerPeer.consumedProducerIds.delete(producer.id);
    if (!consumerPeer.closed && !producer.closed) logger.warn({ err: error, peerId: consumerPeer.id }, 'consume failed');
    return undefined;
  }
  if (consumerPeer.closed) {
    consumer.close();
    return undefined;
  }
  sources.set(consumer, producer);
  consumerPeer.addConsumer(consumer);
  const channel = consumerPeer.channel;
  consumer.on('producerclose', () => {
    channel.notify('consumerClosed', { consumerId: consumer.id });
    consumer.close();
  });
  consumer.on('layerschange', (layers) =>
    channel.notify('consumerLayersChanged', {
      consumerId: consumer.id,
      spatialLayer: layers?.spatialLayer ?? null,
      temporalLayer: layers?.temporalLayer ?? null,
    }),
  );
  // Only what changes the quality level the client shows, coalesced per receiver.
  const scores = scoreReportsFor(consumerPeer);
  consumer.on('score', (score) => scores.report({ consumerId: consumer.id, score: score.score, producerScore: score.producerScore }));
  consumer.observer.once('close', () => scores.forget(consumer.id));
  return { consumer, announcement: announce(consumer) };
}

/** What the client needs to create its side of `consumer` (in the join answer or an offer). */
export function announce(consumer: types.Consumer<ConsumerAppData>): NewConsumer {
  return {
    consumerId: consumer.id,
    producerId: consumer.producerId,
    peerId: consumer.appData.producerPeerId,
    kind: consumer.kind,
    source: consumer.appData.source,
    rtpParameters: toWireRtpParameters(consumer.rtpParameters),
    producerPaused: sources.get(consumer)?.paused ?? consumer.producerPaused,
  };
}
