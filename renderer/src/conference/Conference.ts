import { EventEmitter } from 'eventemitter3';
import { Device, type types } from 'mediasoup-client';
import type {
  ChatMessage,
  MediaSource,
  NewConsumer,
  NotificationData,
  ResponseData,
  TransportOptions,
} from '../../../shared/protocol';
import { ConferenceError } from './errors';
import { LocalStream, type LocalStreamOwner } from './LocalStream';
import { BackoffReconnectPolicy, type ReconnectPolicy } from './ReconnectPolicy';
import { RemoteParticipant } from './RemoteParticipant';
import { SignalingClient } from './SignalingClient';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface StreamEvent {
  participantId: string;
  consumerId: string;
  source: MediaSource;
  kind: 'audio' | 'video';
  stream: MediaStream;
}

export type ConferenceEvents = {
  participantJoined: [participant: RemoteParticipant];
  participantLeft: [participant: RemoteParticipant];
  /** Name, host role, hand, mute or camera state changed. */
  participantUpdated: [participant: RemoteParticipant];
  streamAdded: [event: StreamEvent];
  streamRemoved: [event: Omit<StreamEvent, 'stream' | 'kind'>];
  /** A local track started sending (camera, mic or screen). */
  localStreamAdded: [stream: LocalStream];
  localStreamEnded: [stream: LocalStream];
  /** The local participant's own state changed (host role, muted by the host). */
  localUpdated: [];
  activeSpeaker: [event: { participantId: string | null }];
  chatMessage: [message: ChatMessage & { local: boolean }];
  handRaised: [event: { participantId: string; raised: boolean }];
  reaction: [event: { participantId: string; reaction: string }];
  roomLocked: [locked: boolean];
  recordingChanged: [event: { participantId: string; recording: boolean }];
  recordingAllowed: [allowed: boolean];
  mutedByHost: [event: { byParticipantId: string }];
  consumerLayersChanged: [event: { consumerId: string; spatialLayer: number | null; temporalLayer: number | null }];
  connectionStateChanged: [event: { state: ConnectionState; reason?: string; error?: ConferenceError }];
};

export interface ConferenceOptions {
  /** The host's base URL, e.g. https://192.168.1.20:4443 */
  url: string;
  reconnectPolicy?: ReconnectPolicy;
  /** mediasoup-client handler; detected from the browser when omitted (Node tests pass 'Chrome111'). */
  handlerName?: types.BuiltinHandlerName;
}

export interface JoinParams {
  roomId: string;
  displayName: string;
  passcode?: string;
  /** The desktop app's owner key when it joins the meeting it hosts. */
  ownerKey?: string;
}

interface Session {
  peerId: string;
  resumeToken: string;
  sendTransport: types.Transport;
  recvTransport: types.Transport;
  iceServers: RTCIceServer[];
}

/** Errors after which retrying cannot help. */
const FATAL_JOIN_CODES = new Set(['unauthorized', 'room_locked', 'room_full', 'bad_request', 'kicked', 'rate_limited']);
const ICE_RESTART_GRACE_MS = 6_000;

const DEFAULT_CAMERA: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' } as RTCRtpEncodingParameters,
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' } as RTCRtpEncodingParameters,
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' } as RTCRtpEncodingParameters,
];

/**
 * A meeting, from the client's side: join, send local media, receive everyone else's, and keep
 * it all alive across dropped connections. Framework-agnostic: the UI listens to its events.
 */
export class Conference extends EventEmitter<ConferenceEvents> implements LocalStreamOwner {
  readonly #options: ConferenceOptions;
  readonly #signaling: SignalingClient;
  readonly #reconnectPolicy: ReconnectPolicy;
  #device?: Device;
  #routerCapabilities?: Promise<types.RtpCapabilities>;
  #resolveRouterCapabilities?: (caps: types.RtpCapabilities) => void;
  #session?: Session;
  /** Settles when the join in flight has produced a session; `newConsumer` can arrive before our join continuation runs. */
  #sessionReady: Promise<void> = Promise.resolve();
  /**
   * Room notifications that arrive while a join answer is in flight wait here: socket.io can hand
   * us a `peerJoined` before the join's continuation runs, and the answer's peer list would then
   * erase it. Replayed, in order, right after the answer is applied.
   */
  #heldNotifications: (() => void)[] | null = null;
  #preparing?: Promise<Device>;
  #joinParams?: JoinParams;
  #resumeToken?: string;
  #state: ConnectionState = 'idle';
  #reconnecting?: Promise<void>;
  readonly participants = new Map<string, RemoteParticipant>();
  readonly localStreams = new Set<LocalStream>();
  readonly chatHistory: ChatMessage[] = [];
  localParticipant = { id: '', displayName: '', isHost: false, handRaised: false };
  locked = false;
  /** Participants other than the host may record. */
  recordingAllowed = false;
  #recording = false;
  activeSpeakerId: string | null = null;

  constructor(options: ConferenceOptions) {
    super();
    this.#options = options;
    this.#reconnectPolicy = options.reconnectPolicy ?? new BackoffReconnectPolicy();
    this.#signaling = new SignalingClient(options.url);
    this.#listen();
  }

  get state(): ConnectionState {
    return this.#state;
  }
  get peerId(): string | undefined {
    return this.#session?.peerId;
  }
  /** For diagnostics and tests: the mediasoup-client transports of the current session. */
  get transports(): { send?: types.Transport; recv?: types.Transport } {
    return { send: this.#session?.sendTransport, recv: this.#session?.recvTransport };
  }
  /** For test hooks: drops the signaling connection as a network failure would. */
  get socket() {
    return this.#signaling.socket;
  }

  // -------------------------------------------------------------------------------------------
  // Joining and leaving
  // -------------------------------------------------------------------------------------------

  async join(params: JoinParams): Promise<void> {
    if (this.#state !== 'idle' && this.#state !== 'disconnected') throw new ConferenceError('already_joined', 'already in a meeting');
    this.#joinParams = params;
    this.#resumeToken = undefined;
    this.#setState('connecting');
    try {
      await this.#establish();
    } catch (error) {
      this.#signaling.disconnect();
      this.#setState('disconnected', (error as Error).message, error as ConferenceError);
      throw error;
    }
  }

  /**
   * Warms up before the user presses Join: connects signaling and loads the Device (the host pushes
   * its router capabilities on connect). `join()` then starts with the join request itself. Safe to
   * call more than once; failures are left for `join()` to report.
   */
  prepare(): Promise<void> {
    this.#preparing ??= this.#connectAndLoadDevice().catch((error: unknown) => {
      this.#preparing = undefined;
      throw error;
    });
    return this.#preparing.then(() => undefined);
  }

  async leave(): Promise<void> {
    if (this.#state === 'idle') {
      // Only prepared (or never used): nothing to leave, but the warm connection must go.
      this.#signaling.disconnect();
      return;
    }
    const wasConnected = this.#signaling.connected && this.#session;
    this.#setState('disconnected', 'left');
    for (const stream of [...this.localStreams]) await stream.stop();
    if (wasConnected) await this.#signaling.request('leave', {}).catch(() => undefined);
    this.#teardownSession();
    this.#signaling.disconnect();
    this.participants.clear();
  }

  /** Connect (if needed), load the device, join, and (re)send every local stream. */
  async #establish(): Promise<void> {
    const params = this.#joinParams!;
    const device = await this.#connectAndLoadDevice();
    let markReady!: () => void;
    let markFailed!: (error: unknown) => void;
    this.#sessionReady = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    this.#sessionReady.catch(() => undefined);
    this.#heldNotifications = [];
    let answer: ResponseData<'join'>;
    try {
      answer = await this.#join(device);
    } catch (error) {
      this.#heldNotifications = null;
      markFailed(error);
      throw error;
    }

    this.#resumeToken = answer.resumeToken;
    const iceServers = answer.iceServers as RTCIceServer[];
    const session: Session = {
      peerId: answer.peerId,
      resumeToken: answer.resumeToken,
      iceServers,
      sendTransport: this.#createTransport('send', answer.sendTransport, iceServers),
      recvTransport: this.#createTransport('recv', answer.recvTransport, iceServers),
    };
    this.#session = session;
    this.localParticipant = { id: answer.peerId, displayName: params.displayName, isHost: answer.isHost, handRaised: false };
    this.locked = answer.locked;
    this.recordingAllowed = answer.recordingAllowed ?? false;
    this.#syncParticipants(answer);
    // Already resumed by the host: consuming them makes the receive transport connect, and media flows.
    await Promise.all(
      answer.consumers.map((data) =>
        this.#consume(session, data).catch(() => {
          void this.#signaling.request('pauseConsumer', { consumerId: data.consumerId }).catch(() => undefined);
        }),
      ),
    );
    markReady();
    const held = this.#heldNotifications;
    this.#heldNotifications = null;
    for (const replay of held ?? []) replay();
    this.#setState('connected');
    // A rejoin is a new participant for the host: say again that we are recording.
    if (this.#recording) await this.#signaling.request('setRecording', { recording: true }).catch(() => undefined);
    for (const stream of this.localStreams) await this.#sendLocalStream(stream);
  }

  async #connectAndLoadDevice(): Promise<Device> {
    // A prepare() in flight owns the connection attempt; share it rather than racing it.
    if (this.#preparing) await this.#preparing.catch(() => undefined);
    if (!this.#signaling.connected) {
      this.#routerCapabilities = new Promise((resolve) => (this.#resolveRouterCapabilities = resolve));
      await this.#signaling.connect();
    }
    if (!this.#device?.loaded) {
      const device = this.#options.handlerName ? new Device({ handlerName: this.#options.handlerName }) : await Device.factory();
      await device.load({ routerRtpCapabilities: await this.#routerCapabilities! });
      this.#device = device;
    }
    return this.#device;
  }

  #join(device: Device): Promise<ResponseData<'join'>> {
    const params = this.#joinParams!;
    return this.#signaling.request('join', {
      roomId: params.roomId,
      displayName: params.displayName,
      passcode: params.passcode,
      ownerKey: params.ownerKey,
      resumeToken: this.#resumeToken,
      rtpCapabilities: device.rtpCapabilities as never,
    });
  }

  #createTransport(direction: 'send' | 'recv', options: TransportOptions, iceServers: RTCIceServer[]): types.Transport {
    const device = this.#device!;
    const transportOptions = { ...(options as unknown as types.TransportOptions), iceServers };
    const transport = direction === 'send' ? device.createSendTransport(transportOptions) : device.createRecvTransport(transportOptions);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#signaling
        .request('connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as never })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.#signaling
          .request('produce', {
            transportId: transport.id,
            kind,
            rtpParameters: rtpParameters as never,
            source: appData.source as MediaSource,
            paused: appData.paused === true,
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed') void this.#recoverTransport(transport);
    });
    return transport;
  }

  /** A failed transport: ICE restart first; a full rejoin when that does not bring it back. */
  async #recoverTransport(transport: types.Transport): Promise<void> {
    if (this.#state !== 'connected' || transport.closed) return;
    try {
      const { iceParameters } = await this.#signaling.request('restartIce', { transportId: transport.id });
      await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
      const recovered = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(transport.connectionState === 'connected'), ICE_RESTART_GRACE_MS);
        transport.on('connectionstatechange', (state) => {
          if (state === 'connected') {
            clearTimeout(timer);
            resolve(true);
          }
        });
      });
      if (recovered) return;
    } catch {
      // fall through to a full rejoin
    }
    if (!transport.closed && this.#session && (this.#session.sendTransport === transport || this.#session.recvTransport === transport)) {
      void this.#reconnect('media connection failed', { leaveFirst: true });
    }
  }

  /** Rebuilds the session after a drop: reconnect with backoff and rejoin with the resume token. */
  #reconnect(reason: string, options: { leaveFirst?: boolean; immediate?: boolean } = {}): Promise<void> {
    if (this.#reconnecting || this.#state === 'disconnected' || this.#state === 'idle') return this.#reconnecting ?? Promise.resolve();
    this.#setState('reconnecting', reason);
    this.#teardownSession();
    this.#reconnecting = (async () => {
      if (options.leaveFirst) await this.#signaling.request('leave', {}).catch(() => undefined);
      const startedAt = Date.now();
      for (let attempt = 0; this.#state === 'reconnecting'; attempt++) {
        // Still connected (the host asked us to rejoin): the first attempt need not wait.
        const delay = attempt === 0 && options.immediate ? 0 : this.#reconnectPolicy.nextRetryDelayMs({ attempt, elapsedMs: Date.now() - startedAt });
        if (delay === null) {
          this.#signaling.disconnect();
          this.#setState('disconnected', 'could not reconnect', new ConferenceError('host_unreachable', 'Lost the connection to the meeting host'));
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.#state !== 'reconnecting') return;
        try {
          await this.#establish();
          return;
        } catch (error) {
          const code = (error as ConferenceError).code;
          if (code === 'already_joined') await this.#signaling.request('leave', {}).catch(() => undefined);
          if (FATAL_JOIN_CODES.has(code)) {
            this.#signaling.disconnect();
            this.#setState('disconnected', (error as Error).message, error as ConferenceError);
            return;
          }
          this.#teardownSession();
        }
      }
    })().finally(() => (this.#reconnecting = undefined));
    return this.#reconnecting;
  }

  /** Forgets the current session's transports and remote streams; local tracks stay. */
  #teardownSession(): void {
    const session = this.#session;
    this.#session = undefined;
    if (!session) return;
    for (const participant of this.participants.values()) {
      for (const [consumerId, remote] of participant.streams) {
        this.emit('streamRemoved', { participantId: participant.id, consumerId, source: remote.source });
      }
      participant.streams.clear();
      participant.scores.clear();
    }
    session.sendTransport.close();
    session.recvTransport.close();
  }

  #syncParticipants(answer: ResponseData<'join'>): void {
    const present = new Set(answer.peers.map((peer) => peer.id));
    for (const participant of [...this.participants.values()]) {
      if (!present.has(participant.id)) {
        this.participants.delete(participant.id);
        this.emit('participantLeft', participant);
      }
    }
    for (const info of answer.peers) {
      const existing = this.participants.get(info.id);
      const participant = new RemoteParticipant(info);
      this.participants.set(info.id, participant);
      this.emit(existing ? 'participantUpdated' : 'participantJoined', participant);
    }
    if (this.chatHistory.length === 0) this.chatHistory.push(...answer.chatHistory);
  }

  // -------------------------------------------------------------------------------------------
  // Local media
  // -------------------------------------------------------------------------------------------

  /** Starts camera and/or microphone and sends them. */
  async produce(request: { audio?: boolean | MediaTrackConstraints; video?: boolean | MediaTrackConstraints } = { audio: true, video: true }): Promise<LocalStream[]> {
    let media: MediaStream;
    try {
      media = await navigator.mediaDevices.getUserMedia({
        audio: request.audio ?? false,
        // 720p unless the caller says otherwise: simulcast needs it for all three layers.
        video: request.video ? { ...DEFAULT_CAMERA, ...(request.video === true ? {} : request.video) } : false,
      });
    } catch (error) {
      throw ConferenceError.fromMediaError(error);
    }
    const streams: LocalStream[] = [];
    for (const track of media.getTracks()) streams.push(await this.produceTrack(track, track.kind === 'audio' ? 'mic' : 'camera'));
    return streams;
  }

  /** Shares a screen or window (the browser or the desktop app's picker chooses which). */
  async shareScreen(): Promise<LocalStream> {
    let media: MediaStream;
    try {
      media = await navigator.mediaDevices.getDisplayMedia({
        video: { frameRate: { max: 15 }, width: { max: 1920 }, height: { max: 1080 } },
        audio: false,
      });
    } catch (error) {
      throw ConferenceError.fromMediaError(error);
    }
    const [track] = media.getVideoTracks();
    if (!track) throw new ConferenceError('media_failed', 'the screen share has no video');
    track.contentHint = 'detail';
    return this.produceTrack(track, 'screen');
  }

  /** Sends an existing track (any source). The returned LocalStream survives reconnections. */
  async produceTrack(track: MediaStreamTrack, source: MediaSource): Promise<LocalStream> {
    const stream = new LocalStream(source, track, this);
    stream.on('ended', () => this.emit('localStreamEnded', stream));
    this.localStreams.add(stream);
    if (this.#session) {
      try {
        await this.#sendLocalStream(stream);
      } catch (error) {
        this.localStreams.delete(stream);
        track.stop();
        throw error instanceof ConferenceError ? error : new ConferenceError('media_failed', (error as Error).message, { cause: error });
      }
    }
    this.emit('localStreamAdded', stream);
    return stream;
  }

  async #sendLocalStream(stream: LocalStream): Promise<void> {
    const session = this.#session;
    if (!session || stream.stopped) return;
    const options: types.ProducerOptions = {
      track: stream.track,
      stopTracks: false,
      appData: { source: stream.source, paused: stream.paused },
    };
    if (stream.source === 'camera') {
      options.encodings = CAMERA_ENCODINGS;
      options.codecOptions = { videoGoogleStartBitrate: 1000 };
    } else if (stream.source === 'screen') {
      options.encodings = [{ maxBitrate: 2_500_000 }];
    } else if (stream.source === 'mic') {
      options.codecOptions = { opusDtx: true, opusFec: true };
    }
    const producer = await session.sendTransport.produce(options);
    if (stream.paused) producer.pause();
    stream.attach(producer);
  }

  async setProducerPaused(producerId: string, paused: boolean): Promise<void> {
    if (!this.#session) return;
    await this.#signaling.request(paused ? 'pauseProducer' : 'resumeProducer', { producerId });
  }

  async closeProducer(producerId: string): Promise<void> {
    if (!this.#session) return;
    await this.#signaling.request('closeProducer', { producerId });
  }

  forget(stream: LocalStream): void {
    this.localStreams.delete(stream);
  }

  // -------------------------------------------------------------------------------------------
  // Receiving
  // -------------------------------------------------------------------------------------------

  async #onNewConsumer(data: NewConsumer): Promise<void> {
    await this.#sessionReady;
    const session = this.#session;
    if (!session) throw new Error('not in a meeting');
    await this.#consume(session, data);
  }

  async #consume(session: Session, data: NewConsumer): Promise<void> {
    const consumer = await session.recvTransport.consume({
      id: data.consumerId,
      producerId: data.producerId,
      kind: data.kind,
      rtpParameters: data.rtpParameters as unknown as types.RtpParameters,
      appData: { peerId: data.peerId, source: data.source },
    });
    const participant = this.participants.get(data.peerId);
    if (!participant || this.#session !== session) {
      consumer.close();
      throw new Error('participant not known');
    }
    const producer = participant.producers.get(data.producerId);
    if (producer) producer.paused = data.producerPaused;
    else participant.producers.set(data.producerId, { id: data.producerId, kind: data.kind, source: data.source, paused: data.producerPaused });
    const stream = new MediaStream([consumer.track]);
    participant.streams.set(consumer.id, { consumer, source: data.source, stream });
    this.emit('streamAdded', { participantId: participant.id, consumerId: consumer.id, source: data.source, kind: data.kind, stream });
  }

  #removeConsumer(consumerId: string): void {
    for (const participant of this.participants.values()) {
      const remote = participant.streams.get(consumerId);
      if (!remote) continue;
      remote.consumer.close();
      participant.streams.delete(consumerId);
      participant.scores.delete(consumerId);
      this.emit('streamRemoved', { participantId: participant.id, consumerId, source: remote.source });
      return;
    }
  }

  /** Pause or resume receiving one stream (e.g. its tile scrolled out of view). */
  async setConsumerPaused(consumerId: string, paused: boolean): Promise<void> {
    const remote = this.#findStream(consumerId);
    if (!remote || remote.consumer.closed) return;
    if (paused) remote.consumer.pause();
    else remote.consumer.resume();
    await this.#signaling.request(paused ? 'pauseConsumer' : 'resumeConsumer', { consumerId });
  }

  /** Ask for the simulcast layer that fits where the video is shown. */
  async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    await this.#signaling.request('setConsumerPreferredLayers', { consumerId, spatialLayer, temporalLayer });
  }

  #findStream(consumerId: string) {
    for (const participant of this.participants.values()) {
      const remote = participant.streams.get(consumerId);
      if (remote) return remote;
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Meeting features and host controls
  // -------------------------------------------------------------------------------------------

  async sendChat(text: string): Promise<ChatMessage> {
    const { message } = await this.#signaling.request('sendChat', { text });
    this.chatHistory.push(message);
    this.emit('chatMessage', { ...message, local: true });
    return message;
  }

  async setHandRaised(raised: boolean): Promise<void> {
    await this.#signaling.request('setHand', { raised });
    this.localParticipant.handRaised = raised;
    this.emit('localUpdated');
  }

  async sendReaction(reaction: NotificationData<'reaction'>['reaction']): Promise<void> {
    await this.#signaling.request('sendReaction', { reaction });
  }

  async setDisplayName(displayName: string): Promise<void> {
    await this.#signaling.request('setDisplayName', { displayName });
    this.localParticipant.displayName = displayName;
    if (this.#joinParams) this.#joinParams.displayName = displayName;
    this.emit('localUpdated');
  }

  async muteParticipant(peerId: string): Promise<void> {
    await this.#signaling.request('hostMutePeer', { peerId });
  }
  async removeParticipant(peerId: string): Promise<void> {
    await this.#signaling.request('hostRemovePeer', { peerId });
  }
  async setLocked(locked: boolean): Promise<void> {
    await this.#signaling.request('hostLockRoom', { locked });
  }
  async setPasscode(passcode: string | null): Promise<void> {
    await this.#signaling.request('hostSetPasscode', { passcode });
  }
  /** Announces a local recording to the room (refused unless host or allowed by the host). */
  async setRecording(recording: boolean): Promise<void> {
    if (this.#session) await this.#signaling.request('setRecording', { recording });
    this.#recording = recording;
  }
  get recording(): boolean {
    return this.#recording;
  }
  async allowRecording(allowed: boolean): Promise<void> {
    await this.#signaling.request('hostAllowRecording', { allowed });
  }

  // -------------------------------------------------------------------------------------------
  // Notifications
  // -------------------------------------------------------------------------------------------

  #listen(): void {
    const raw = this.#signaling.socket;
    // Room notifications go through `socket.on` below, which holds them while a join is in flight.
    const socket = {
      on: ((event: string, handler: (...args: unknown[]) => void) => {
        raw.on(event as never, ((...args: unknown[]) => {
          if (this.#heldNotifications) this.#heldNotifications.push(() => handler(...args));
          else handler(...args);
        }) as never);
      }) as typeof raw.on,
    };
    raw.on('welcome', (data) => this.#resolveRouterCapabilities?.(data.routerRtpCapabilities as types.RtpCapabilities));
    raw.on('newConsumer', (data, ack) => {
      this.#onNewConsumer(data).then(
        () => ack({ ok: true, data: {} }),
        (error: Error) => ack({ ok: false, error: { code: 'bad_request', message: error.message } }),
      );
    });
    socket.on('consumerClosed', ({ consumerId }) => this.#removeConsumer(consumerId));
    socket.on('peerJoined', (info) => {
      const participant = new RemoteParticipant(info);
      this.participants.set(info.id, participant);
      this.emit('participantJoined', participant);
    });
    socket.on('peerLeft', ({ peerId }) => {
      const participant = this.participants.get(peerId);
      if (!participant) return;
      for (const consumerId of [...participant.streams.keys()]) this.#removeConsumer(consumerId);
      this.participants.delete(peerId);
      this.emit('participantLeft', participant);
    });
    socket.on('peerUpdated', ({ peerId, displayName, isHost }) => {
      if (peerId === this.#session?.peerId) {
        if (displayName !== undefined) this.localParticipant.displayName = displayName;
        if (isHost !== undefined) this.localParticipant.isHost = isHost;
        this.emit('localUpdated');
        return;
      }
      const participant = this.participants.get(peerId);
      if (!participant) return;
      if (displayName !== undefined) participant.displayName = displayName;
      if (isHost !== undefined) participant.isHost = isHost;
      this.emit('participantUpdated', participant);
    });
    const setProducer = (peerId: string, producerId: string, change: 'paused' | 'resumed' | 'closed') => {
      const participant = this.participants.get(peerId);
      const producer = participant?.producers.get(producerId);
      if (!participant || !producer) return;
      if (change === 'closed') participant.producers.delete(producerId);
      else producer.paused = change === 'paused';
      this.emit('participantUpdated', participant);
    };
    socket.on('producerPaused', ({ peerId, producerId }) => setProducer(peerId, producerId, 'paused'));
    socket.on('producerResumed', ({ peerId, producerId }) => setProducer(peerId, producerId, 'resumed'));
    socket.on('producerClosed', ({ peerId, producerId }) => setProducer(peerId, producerId, 'closed'));
    socket.on('consumerLayersChanged', (event) => this.emit('consumerLayersChanged', event));
    socket.on('consumerScore', ({ consumerId, score }) => {
      for (const participant of this.participants.values()) {
        if (!participant.streams.has(consumerId)) continue;
        const before = participant.quality;
        participant.scores.set(consumerId, score);
        if (participant.quality !== before) this.emit('participantUpdated', participant);
      }
    });
    socket.on('activeSpeaker', ({ peerId }) => {
      this.activeSpeakerId = peerId;
      this.emit('activeSpeaker', { participantId: peerId });
    });
    socket.on('chatMessage', (message) => {
      this.chatHistory.push(message);
      this.emit('chatMessage', { ...message, local: false });
    });
    socket.on('handRaised', ({ peerId, raised }) => {
      const participant = this.participants.get(peerId);
      if (participant) participant.handRaised = raised;
      this.emit('handRaised', { participantId: peerId, raised });
      if (participant) this.emit('participantUpdated', participant);
    });
    socket.on('reaction', ({ peerId, reaction }) => this.emit('reaction', { participantId: peerId, reaction }));
    socket.on('roomLocked', ({ locked }) => {
      this.locked = locked;
      this.emit('roomLocked', locked);
    });
    socket.on('recordingChanged', ({ peerId, recording }) => {
      const participant = this.participants.get(peerId);
      if (!participant) return;
      participant.recording = recording;
      this.emit('recordingChanged', { participantId: peerId, recording });
      this.emit('participantUpdated', participant);
    });
    socket.on('recordingAllowed', ({ allowed }) => {
      this.recordingAllowed = allowed;
      this.emit('recordingAllowed', allowed);
    });
    socket.on('peerMuted', ({ peerId, producerId, byPeerId }) => {
      if (peerId !== this.#session?.peerId) return setProducer(peerId, producerId, 'paused');
      const mic = [...this.localStreams].find((s) => s.producer?.id === producerId);
      // The host already paused it server-side; mirror that locally so the UI shows "muted".
      if (mic && !mic.paused) void mic.pause().catch(() => undefined);
      this.emit('mutedByHost', { byParticipantId: byPeerId });
    });
    socket.on('peerKicked', ({ reason }) => {
      this.#setState('disconnected', reason, new ConferenceError('kicked', `You were ${reason}`));
      this.#teardownSession();
      for (const stream of [...this.localStreams]) void stream.stop();
    });
    raw.on('rejoinRequired', ({ reason }) => {
      void this.#reconnect(reason, { immediate: true });
    });
    raw.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      void this.#reconnect(`connection lost (${reason})`);
    });
  }

  #setState(state: ConnectionState, reason?: string, error?: ConferenceError): void {
    if (this.#state === state && state !== 'reconnecting') return;
    this.#state = state;
    this.emit('connectionStateChanged', { state, reason, error });
  }
}
