import type { types } from 'mediasoup';
import type { Logger } from '../logger';
import type { ConsumerAppData } from '../Peer';

type Consumer = types.Consumer<ConsumerAppData>;

/** mediasoup's bitrate priorities (1–255): the higher, the earlier a layer is granted and the later it is taken away. */
export const PRIORITY = { screen: 3, speaker: 2, other: 1 } as const;

/**
 * Which videos a receiver's bandwidth goes to first when it cannot carry all of them. mediasoup
 * grants each video its lowest layer in order of priority, then shares the rest the same way; at
 * equal priority the order is arbitrary, so on a slow link any tile could be the one left frozen.
 * A shared screen comes first (unreadable is worse than slow), then the dominant speaker's camera
 * (the face people look at), then everyone else.
 */
export class BandwidthPriority {
  readonly #logger: Logger;
  #speaker: string | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  of(consumer: Consumer): number {
    if (consumer.kind !== 'video') return PRIORITY.other;
    if (consumer.appData.source === 'screen') return PRIORITY.screen;
    return consumer.appData.producerPeerId === this.#speaker ? PRIORITY.speaker : PRIORITY.other;
  }

  /** Gives `consumer` the priority it should have now. */
  async apply(consumer: Consumer): Promise<void> {
    const priority = this.of(consumer);
    if (consumer.closed || consumer.priority === priority) return;
    try {
      await consumer.setPriority(priority);
    } catch (error) {
      if (!consumer.closed) this.#logger.debug({ err: error, consumerId: consumer.id }, 'could not set consumer priority');
    }
  }

  /** The dominant speaker changed: their cameras go first, the previous speaker's go back in line. */
  speakerChanged(peerId: string, consumers: Iterable<Consumer>): void {
    const previous = this.#speaker;
    if (previous === peerId) return;
    this.#speaker = peerId;
    for (const consumer of consumers) {
      const producerPeerId = consumer.appData.producerPeerId;
      if (consumer.kind === 'video' && (producerPeerId === peerId || producerPeerId === previous)) void this.apply(consumer);
    }
  }
}
