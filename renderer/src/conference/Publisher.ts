import type { types } from 'mediasoup-client';
import type { MediaSource } from '../../../shared/protocol';
import { ConferenceError, MediaDeviceError } from './errors';
import type { Emit } from './events';
import { LocalStream, type LocalStreamOwner } from './LocalStream';
import type { MediaEncryption } from './MediaEncryption';
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
  #transport?: types.Transport;
  /** Sending waits for this (the receive side's first media, bounded): see firstMedia.ts. */
  #ready: Promise<void> = Promise.resolve();

  constructor(signaling: SignalingClient, emit: Emit) {
    this.#signaling = signaling;
    this.#emit = emit;
  }

  /** The send transport of the live session (undefined between sessions). */
  setTransport(transport: types.Transport | undefined): void {
    this.#transport = transport;
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
    if (this.#transport) {
      try {
        await this.#send(stream, this.#transport);
      } catch (error) {
        this.streams.delete(stream);
        track.stop();
        throw error instanceof ConferenceError ? error : new ConferenceError('media_failed', (error as Error).message, { cause: error });
      }
    }
    this.#emit('localStreamAdded', stream);
    return stream;
  }

  /** (Re)sends every local stream on `transport`, one after another (each is a renegotiation). */
  async sendAll(transport: types.Transport, stillCurrent: () => boolean): Promise<void> {
    await this.#ready;
    for (const stream of [...this.streams]) {
      if (!stillCurrent()) return;
      await this.#send(stream, transport);
    }
  }

  /** `sendAll`, started now and awaited later (a failure meanwhile is not an unhandled rejection). */
  startSendAll(transport: types.Transport, stillCurrent: () => boolean): Promise<void> {
    const sending = this.sendAll(transport, stillCurrent);
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
    stream.attach(producer, paused);
  }

  // LocalStreamOwner: the host-side half of a LocalStream's pause/resume/close.
  async setProducerPaused(producerId: string, paused: boolean): Promise<void> {
    if (!this.#transport) return;
    await this.#signaling.request(paused ? 'pauseProducer' : 'resumeProducer', { producerId });
  }

  async closeProducer(producerId: string): Promise<void> {
    if (!this.#transport) return;
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
