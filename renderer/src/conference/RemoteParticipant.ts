import type { types } from 'mediasoup-client';
import type { MediaKind, MediaSource, PeerInfo } from '../../../shared/protocol';

export interface RemoteProducer {
  id: string;
  kind: MediaKind;
  source: MediaSource;
  paused: boolean;
}

export interface RemoteStream {
  consumer: types.Consumer;
  source: MediaSource;
  stream: MediaStream;
  /**
   * The host forwards no layer of it although it is wanted: the receiver's link cannot carry it
   * now (or every layer the sender sends is failing). It comes back on its own; show it as paused.
   */
  starved?: boolean;
}

/** What the SDK knows about another participant. Mutated only by Conference. */
export class RemoteParticipant {
  readonly id: string;
  displayName: string;
  isHost: boolean;
  handRaised: boolean;
  /** Recording the meeting locally. */
  recording: boolean;
  /** Its connection dropped and the host keeps it listed while it may come back (show its tile as reconnecting). */
  reconnecting: boolean;
  readonly producers = new Map<string, RemoteProducer>();
  /**
   * Pauses and resumes of producers not known here yet: the host announces a producer with its
   * consumer's offer, and a change made while that consume is still being set up (seconds on a
   * busy machine) arrives first. The latest one wins over the offer's older `producerPaused`.
   */
  readonly earlyProducerChanges = new Map<string, 'paused' | 'resumed'>();
  /** Live consumers by consumer id. */
  readonly streams = new Map<string, RemoteStream>();
  /** Latest consumer score (0–10) per consumer id: the tile's connection-quality indicator. */
  readonly scores = new Map<string, number>();

  constructor(info: PeerInfo) {
    this.id = info.id;
    this.displayName = info.displayName;
    this.isHost = info.isHost;
    this.handRaised = info.handRaised;
    this.recording = info.recording ?? false;
    this.reconnecting = info.reconnecting ?? false;
    for (const producer of info.producers) this.producers.set(producer.id, { ...producer });
  }

  #bySource(source: MediaSource): RemoteProducer | undefined {
    for (const producer of this.producers.values()) if (producer.source === source) return producer;
    return undefined;
  }

  /** Mic off: no microphone producer, or it is paused. */
  get muted(): boolean {
    const mic = this.#bySource('mic');
    return !mic || mic.paused;
  }

  get cameraOff(): boolean {
    const camera = this.#bySource('camera');
    return !camera || camera.paused;
  }

  get sharingScreen(): boolean {
    return this.#bySource('screen') !== undefined;
  }

  streamFor(source: MediaSource): RemoteStream | undefined {
    for (const stream of this.streams.values()) if (stream.source === source) return stream;
    return undefined;
  }

  /** Lowest consumer score, or undefined before any score arrived. */
  get quality(): number | undefined {
    return this.scores.size ? Math.min(...this.scores.values()) : undefined;
  }
}
