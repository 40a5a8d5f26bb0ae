import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from '../logger';
import type { ProducerAppData } from '../Peer';

type SpeakerEvents = {
  /** A router's dominant-speaker detector picked `peerId` (the latest event across routers wins). */
  dominant: [peerId: string];
  /** The set of the most recent speakers changed. */
  recentChanged: [];
};

/** Audio above this average level (dBov) counts as speaking; Opus DTX silence reports -127. */
const SPEAKING_THRESHOLD_DBOV = -55;
/**
 * mediasoup reports a producer's level only when at least 10 of its packets arrived within one
 * interval. The fast observer (15 packets of 20 ms Opus per interval, some jitter allowed) follows
 * who starts talking; the slow one hears a talker whose packets are fewer: 40 or 60 ms Opus frames
 * (an audio network adaptor on a poor link), or a sender whose packets come late and in bursts.
 * Without it such a participant never counts as speaking, and a selective room forwards nobody its audio.
 */
const LEVEL_INTERVALS_MS = [300, 1_200];

interface RouterObservers {
  active: types.ActiveSpeakerObserver;
  levels: types.AudioLevelObserver[];
}

/**
 * Who speaks, across every router of a room. A mic producer is observed on the router it was
 * produced on (never its pipe copies), by that router's ActiveSpeakerObserver (the dominant speaker
 * shown in the UI) and AudioLevelObserver (levels are comparable across routers, so the room can
 * rank speakers whatever worker they sit on; and silence never counts as speech). "Recent speakers" are ordered by when they were last
 * heard, loudest first within one observation: Jitsi's last-N order.
 */
export class SpeakerTracker extends EventEmitter<SpeakerEvents> {
  readonly #observers = new Map<string, RouterObservers>();
  readonly #heardAt = new Map<string, { at: number; volume: number }>();
  readonly #size: number;
  readonly #logger: Logger;
  #recent: string[] = [];
  #tick = 0;

  constructor(size: number, logger: Logger) {
    super();
    this.#size = size;
    this.#logger = logger;
  }

  /** The `size` most recent speakers, most recent first. */
  get recent(): readonly string[] {
    return this.#recent;
  }

  isRecent(peerId: string): boolean {
    return this.#recent.includes(peerId);
  }

  async observe(router: types.Router): Promise<void> {
    const active = await router.createActiveSpeakerObserver({ interval: 300 });
    const created = await Promise.allSettled(
      LEVEL_INTERVALS_MS.map((interval) => router.createAudioLevelObserver({ maxEntries: 16, threshold: SPEAKING_THRESHOLD_DBOV, interval })),
    );
    const levels = created.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = created.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      active.close();
      for (const observer of levels) observer.close();
      throw failed.reason;
    }
    this.#observers.set(router.id, { active, levels });
    router.observer.once('close', () => this.#observers.delete(router.id));
    active.on('dominantspeaker', ({ producer }) => {
      // Not a "heard" mark: the detector names a dominant speaker even when everyone is silent.
      this.emit('dominant', (producer.appData as ProducerAppData).peerId);
    });
    for (const observer of levels) {
      observer.on('volumes', (volumes) =>
        this.#heard(volumes.map(({ producer, volume }) => ({ peerId: (producer.appData as ProducerAppData).peerId, volume }))),
      );
    }
  }

  /** Observes a mic producer on `router`, the router it was produced on. */
  async addMic(router: types.Router, producer: types.Producer<ProducerAppData>): Promise<void> {
    const observers = this.#observers.get(router.id);
    if (!observers) return;
    const add = (observer: types.RtpObserver) =>
      observer.addProducer({ producerId: producer.id }).catch((error: unknown) => this.#logger.debug({ err: error }, 'speaker observer did not take producer'));
    await Promise.all([add(observers.active), ...observers.levels.map(add)]);
  }

  forget(peerId: string): void {
    if (!this.#heardAt.delete(peerId)) return;
    this.#update();
  }

  #heard(entries: { peerId: string; volume: number }[]): void {
    // One observation shares one timestamp; ticks keep order strict however fast events come.
    const at = ++this.#tick;
    for (const { peerId, volume } of entries) this.#heardAt.set(peerId, { at, volume });
    this.#update();
  }

  #update(): void {
    const next = [...this.#heardAt.entries()]
      .sort(([, a], [, b]) => b.at - a.at || b.volume - a.volume)
      .slice(0, this.#size)
      .map(([peerId]) => peerId);
    const changed = next.length !== this.#recent.length || next.some((id) => !this.#recent.includes(id));
    this.#recent = next;
    if (changed) this.emit('recentChanged');
  }

  close(): void {
    for (const { active, levels } of this.#observers.values()) {
      active.close();
      for (const observer of levels) observer.close();
    }
    this.#observers.clear();
    this.removeAllListeners();
  }
}
