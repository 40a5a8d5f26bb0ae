import type { types } from 'mediasoup-client';
import type { MediaSource } from '../../../shared/protocol';
import { ConferenceError, MediaDeviceError } from './errors';
import type { Emit } from './events';
import { LocalStream, type LocalStreamOwner } from './LocalStream';
import type { MediaEncryption } from './MediaEncryption';
import type { MediaTransports } from './MediaTransports';
import type { SignalingClient } from './SignalingClient';

const DEFAULT_CAMERA: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/**
 * The lowest layer is what a receiver on a poor link gets from everyone, so it is kept cheap: four
 * 180p layers at 100 kbit/s / 15 fps (their base temporal layer ~50 kbit/s each) and four audio
 * streams fit a 500 kbit/s downlink, where at 150 kbit/s / 30 fps the host's bitrate sharing left
 * some senders with no layer at all (a frozen tile for as long as the link was poor).
 */
const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 100_000, maxFramerate: 15, scalabilityMode: 'L1T3' } as RTCRtpEncodingParameters,
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' } as RTCRtpEncodingParameters,
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' } as RTCRtpEncodingParameters,
];

export interface MediaRequest {
  audio?: boolean | MediaTrackConstraints;
  video?: boolean | MediaTrackConstraints;
}

/** The send side of `transports` is unusable (see MediaTransports.sendSpoiledBy): rebuild it. */
export type OnSendBroken = (transports: MediaTransports, reason: string) => void;

/**
 * Sends local tracks. A LocalStream outlives sessions: after a rejoin `sendAll` gives each one a
 * fresh producer on the new send transport, and its pause state carries over.
 */
export class Publisher implements LocalStreamOwner {
  readonly streams = new Set<LocalStream>();
  /** End-to-end encryption of what we send (set by Conference.mediaEncryption). */
  encryption?: MediaEncryption;
  readonly #signaling: SignalingClient;
  readonly #emit: Emit;
  readonly #onSendBroken: OnSendBroken;
  #transports?: MediaTransports;
  /** Sending waits for this (the receive side's first media, bounded): see firstMedia.ts. */
  #ready: Promise<void> = Promise.resolve();
  /** One rebuild until a produce succeeds again: a failure that repeats must not loop rejoins. */
  #rebuildAllowed = true;
  /** Streams kept through a rebuild of the send side; one that fails again is given up. */
  readonly #retrying = new WeakSet<LocalStream>();
  /** Transports whose send side is broken and being rebuilt: nothing more is sent on them. */
  #spoiled?: MediaTransports;

  constructor(signaling: SignalingClient, emit: Emit, onSendBroken: OnSendBroken) {
    this.#signaling = signaling;
    this.#emit = emit;
    this.#onSendBroken = onSendBroken;
  }

  /** The transports of the live session (undefined between sessions). */
  setTransports(transports: MediaTransports | undefined): void {
    this.#transports = transports;
  }

  /** Holds new sending (camera and mic start, producers) until `ready` settles. */
  holdUntil(ready: Promise<void>): void {
    this.#ready = ready;
  }

  async produce(request: MediaRequest = { audio: true, video: true }): Promise<LocalStream[]> {
    await this.#ready;
    let media: MediaStream;
    try {
      media = await navigator.mediaDevices.getUserMedia({
        audio: request.audio ?? false,
        // 720p unless the caller says otherwise: simulcast needs it for all three layers.
        video: request.video ? { ...DEFAULT_CAMERA, ...(request.video === true ? {} : request.video) } : false,
      });
    } catch (error) {
      throw MediaDeviceError.from(error);
    }
    const streams: LocalStream[] = [];
    for (const track of media.getTracks()) streams.push(await this.produceTrack(track, track.kind === 'audio' ? 'mic' : 'camera'));
    return streams;
  }

  async shareScreen(): Promise<LocalStream> {
    let media: MediaStream;
    try {
      media = await navigator.mediaDevices.getDisplayMedia({
        video: { frameRate: { max: 15 }, width: { max: 1920 }, height: { max: 1080 } },
        audio: false,
      });
    } catch (error) {
      throw MediaDeviceError.from(error);
    }
    const [track] = media.getVideoTracks();
    if (!track) throw new ConferenceError('media_failed', 'the screen share has no video');
    track.contentHint = 'detail';
    return this.produceTrack(track, 'screen');
  }

  async produceTrack(track: MediaStreamTrack, source: MediaSource): Promise<LocalStream> {
    const stream = new LocalStream(source, track, this);
    stream.on('ended', () => this.#emit('localStreamEnded', stream));
    this.streams.add(stream);
    await this.#ready;
    const transports = this.#transports;
    if (transports && transports !== this.#spoiled) {
      try {
        await this.#send(stream, transports.send);
      } catch (error) {
        // Transports closed under it (a reconnection took them): it is sent with the next session, as between sessions.
        const kept = !stream.stopped && (transports.closed || this.#keptForRebuild(stream, transports, error));
        if (!kept) {
          this.streams.delete(stream);
          track.stop();
          throw error instanceof ConferenceError ? error : new ConferenceError('media_failed', (error as Error).message, { cause: error });
        }
      }
    }
    this.#emit('localStreamAdded', stream);
    return stream;
  }

  /** (Re)sends every local stream on `transports`, one after another (each is a renegotiation). */
  async sendAll(transports: MediaTransports, stillCurrent: () => boolean): Promise<void> {
    await this.#ready;
    for (const stream of [...this.streams]) {
      if (!stillCurrent()) return;
      try {
        await this.#send(stream, transports.send);
        this.#retrying.delete(stream);
      } catch (error) {
        // Gone with its session (its owner goes on), or a failure that left the send side usable.
        if (!stillCurrent() || !transports.sendSpoiledBy(error)) throw error;
        if (!this.#keptForRebuild(stream, transports, error)) await this.#giveUp(stream);
        return; // the rebuild sends the rest
      }
    }
  }

  /** `sendAll`, started now and awaited later (a failure meanwhile is not an unhandled rejection). */
  startSendAll(transports: MediaTransports, stillCurrent: () => boolean): Promise<void> {
    const sending = this.sendAll(transports, stillCurrent);
    sending.catch(() => undefined);
    return sending;
  }

  async stopAll(): Promise<void> {
    for (const stream of [...this.streams]) await stream.stop();
  }

  async #send(stream: LocalStream, transport: types.Transport): Promise<void> {
    if (stream.stopped || transport.closed) return;
    const paused = stream.paused;
    const options: types.ProducerOptions = { track: stream.track, stopTracks: false, appData: { source: stream.source, paused } };
    if (stream.source === 'camera') {
      options.encodings = CAMERA_ENCODINGS;
      options.codecOptions = { videoGoogleStartBitrate: 1000 };
    } else if (stream.source === 'screen') {
      options.encodings = [{ maxBitrate: 2_500_000 }];
    } else if (stream.source === 'mic') {
      options.codecOptions = { opusDtx: true, opusFec: true };
    }
    const { encryption } = this;
    // Attached as the sender is created, before its first frame: nothing is ever sent in the clear.
    if (encryption) options.onRtpSender = (sender) => encryption.encryptSender(sender, stream.track.kind === 'audio' ? 'audio' : 'video');
    const producer = await transport.produce(options);
    this.#rebuildAllowed = true;
    stream.attach(producer, paused);
  }

  /**
   * A send that broke the send side (see MediaTransports.sendSpoiledBy) asks for a rebuild (a
   * rejoin, which sends every local stream again). Its stream is kept for that, unless it failed
   * so before or no send has worked since the last rebuild: each rebuild follows a working send or
   * drops a stream, so a failure that repeats cannot loop rejoins.
   */
  #keptForRebuild(stream: LocalStream, transports: MediaTransports, error: unknown): boolean {
    if (!transports.sendSpoiledBy(error)) return false;
    // Failed behind the one that broke it (sends are queued): the rebuild under way sends it too.
    if (transports === this.#spoiled) return true;
    this.#spoiled = transports;
    const keep = this.#rebuildAllowed && !this.#retrying.has(stream);
    if (keep) this.#retrying.add(stream);
    else this.#retrying.delete(stream);
    this.#rebuildAllowed = false;
    // A macrotask later, as the receive side does: the caller has its stream before the rejoin starts.
    setTimeout(() => this.#onSendBroken(transports, `sending media failed (${(error as Error).message})`), 0);
    return keep;
  }

  async #giveUp(stream: LocalStream): Promise<void> {
    await stream.stop();
    this.#emit('localStreamEnded', stream);
  }

  // LocalStreamOwner: the host-side half of a LocalStream's pause/resume/close.
  async setProducerPaused(producerId: string, paused: boolean): Promise<void> {
    if (!this.#transports) return;
    await this.#signaling.request(paused ? 'pauseProducer' : 'resumeProducer', { producerId });
  }

  async closeProducer(producerId: string): Promise<void> {
    if (!this.#transports) return;
    await this.#signaling.request('closeProducer', { producerId });
  }

  forget(stream: LocalStream): void {
    this.streams.delete(stream);
  }

  /** The host paused our mic (muted by the host): mirror it locally so the UI shows "muted". */
  mutedByHost(producerId: string): void {
    const mic = [...this.streams].find((stream) => stream.producer?.id === producerId);
    if (mic && !mic.paused) void mic.pause().catch(() => undefined);
  }
}
