import { EventEmitter } from 'eventemitter3';
import type { types } from 'mediasoup-client';
import type { MediaSource } from '../../../shared/protocol';

/** What a LocalStream needs from its Conference: the host-side half of pause/resume/close. */
export interface LocalStreamOwner {
  setProducerPaused(producerId: string, paused: boolean): Promise<void>;
  closeProducer(producerId: string): Promise<void>;
  forget(stream: LocalStream): void;
}

type LocalStreamEvents = {
  /** The track ended by itself (device unplugged, the OS or browser stopped a screen share). */
  ended: [];
  paused: [];
  resumed: [];
};

/**
 * One local track being sent. It survives reconnections: the Conference gives it a fresh
 * Producer on the new transport (`attach`), and its pause state carries over.
 */
export class LocalStream extends EventEmitter<LocalStreamEvents> {
  readonly source: MediaSource;
  readonly stream: MediaStream;
  #track: MediaStreamTrack;
  #producer?: types.Producer;
  #paused = false;
  #stopped = false;
  readonly #owner: LocalStreamOwner;

  constructor(source: MediaSource, track: MediaStreamTrack, owner: LocalStreamOwner) {
    super();
    this.source = source;
    this.#track = track;
    this.stream = new MediaStream([track]);
    this.#owner = owner;
    this.#watchTrack(track);
  }

  get track(): MediaStreamTrack {
    return this.#track;
  }
  get kind(): 'audio' | 'video' {
    return this.#track.kind as 'audio' | 'video';
  }
  get paused(): boolean {
    return this.#paused;
  }
  get stopped(): boolean {
    return this.#stopped;
  }
  get producer(): types.Producer | undefined {
    return this.#producer;
  }

  /**
   * Called by Conference after (re)creating the producer for this track, which the host created
   * paused or not (`hostPaused`) as this stream was when it asked. The user may have stopped,
   * paused or resumed it while the host was answering: the producer follows, here and on the host.
   */
  attach(producer: types.Producer, hostPaused: boolean): void {
    if (this.#stopped) {
      producer.close();
      void this.#owner.closeProducer(producer.id).catch(() => undefined);
      return;
    }
    this.#producer = producer;
    if (this.#paused) producer.pause();
    if (this.#paused !== hostPaused) void this.#owner.setProducerPaused(producer.id, this.#paused).catch(() => undefined);
  }

  async pause(): Promise<void> {
    if (this.#paused || this.#stopped) return;
    this.#paused = true;
    this.#producer?.pause();
    this.emit('paused');
    if (this.#producer) await this.#owner.setProducerPaused(this.#producer.id, true);
  }

  async resume(): Promise<void> {
    if (!this.#paused || this.#stopped) return;
    this.#paused = false;
    this.#producer?.resume();
    this.emit('resumed');
    if (this.#producer) await this.#owner.setProducerPaused(this.#producer.id, false);
  }

  /** Switches device without renegotiation: the same producer sends the new track. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    if (this.#stopped) throw new Error('stream stopped');
    if (track.kind !== this.#track.kind) throw new Error(`expected a ${this.#track.kind} track`);
    await this.#producer?.replaceTrack({ track });
    const old = this.#track;
    this.stream.removeTrack(old);
    this.stream.addTrack(track);
    this.#track = track;
    this.#watchTrack(track);
    old.stop();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const producer = this.#producer;
    this.#track.stop();
    producer?.close();
    this.#owner.forget(this);
    if (producer) await this.#owner.closeProducer(producer.id).catch(() => undefined);
  }

  #watchTrack(track: MediaStreamTrack): void {
    track.addEventListener('ended', () => {
      if (track !== this.#track || this.#stopped) return;
      this.emit('ended');
      void this.stop();
    });
  }
}
