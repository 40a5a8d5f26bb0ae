import { MeetingControls } from './MeetingControls';
import type { types } from 'mediasoup-client';
import type { ConsumerTakeResult, MediaSource, NewConsumer } from '../../../shared/protocol';
import { asSent, sealChat, type ReceivedChatMessage } from './ChatEncryption';
import { type Attempt, ConnectionStateMachine, type ConnectionState } from './ConnectionStateMachine';
import { ConferenceError, ConnectionError } from './errors';
import type { Emit } from './events';
import { FileTransfers, PrivateMessages } from './FileTransfers';
import { firstMediaArrived } from './firstMedia';
import { JoinHandshake, sameJoin, type JoinAnswer, type JoinParams } from './JoinHandshake';
import type { LocalStream } from './LocalStream';
import type { MediaTransports } from './MediaTransports';
import type { NetworkWatcher } from './NetworkWatcher';
import { watchNetwork } from './networkWatching';
import { listenToHost } from './connectionEvents';
import { NotificationGate } from './notifications';
import { Publisher, type MediaRequest } from './Publisher';
import type { ConferenceOptions } from './ConferenceOptions';
import { BackoffReconnectPolicy } from './ReconnectPolicy';
import { Reconnector } from './Reconnector';
import { RoomState } from './RoomState';
import { CONNECT_TIMEOUT_MS, SignalingClient } from './SignalingClient';
import { Subscriber } from './Subscriber';
import { KEEP_SESSION_MS, LONG_DROP_MS, resumeSession } from './SessionResume';
import { WaitingRoomControls } from './WaitingRoomControls';
import { WarmTransports } from './WarmTransports';
import { sessionReadiness, sessionTransports, type Session } from './ConferenceSession';

export type { ConnectionState } from './ConnectionStateMachine';
export type { ConferenceEvents, StreamEvent } from './events';
export type { JoinParams } from './JoinHandshake';
export type { ConferenceOptions } from './ConferenceOptions';

const LEAVE_REQUEST_TIMEOUT_MS = 2_000;
/** While rejoining, one connection attempt to a host that is still away must not hold up the next. */
const REJOIN_CONNECT_TIMEOUT_MS = 2_500;

/**
 * A meeting, from the client's side: join, send local media, receive everyone else's, and keep it
 * all alive across dropped connections. A facade: the handshake, transports, reconnector,
 * publisher, subscriber and room state each do one job; this class owns the state machine that
 * decides which run of them is current. Framework-agnostic: the UI listens to its events.
 */
export class Conference extends MeetingControls {
  readonly files: FileTransfers;
  readonly privateMessages: PrivateMessages;
  readonly #signaling: SignalingClient;
  readonly #machine: ConnectionStateMachine;
  readonly #handshake: JoinHandshake;
  readonly #room: RoomState;
  readonly #publisher: Publisher;
  readonly #subscriber: Subscriber;
  readonly #reconnector: Reconnector;
  readonly #network: NetworkWatcher;
  readonly #warm: WarmTransports;
  readonly #gate = new NotificationGate();
  /** The meeting's waiting room: for its host, who waits, with Admit / Deny / Admit all. */
  readonly waitingRoom: WaitingRoomControls;
  /** `emit` for the parts: eventemitter3's overloads cannot be called with a generic event name. */
  readonly #emitter: Emit = (event, ...args) => void (this.emit as (name: string, ...rest: unknown[]) => boolean)(event, ...args);
  #session?: Session;
  /** Settles when the join in flight has a session: `newConsumer` can arrive before the join's continuation runs. */
  #sessionReady: Promise<void> = Promise.resolve();
  #joinParams?: JoinParams;
  #joining?: Promise<void>;
  /** A startJoin() attempt not yet taken over by a join() call. */
  #started?: { params: JoinParams; promise: Promise<void> };
  #resumeToken?: string;
  #recording = false;

  constructor(options: ConferenceOptions) {
    const signaling = new SignalingClient(options.url);
    super(signaling);
    const emit = this.#emitter;
    this.#signaling = signaling;
    this.#machine = new ConnectionStateMachine((change) => this.emit('connectionStateChanged', change));
    this.#handshake = new JoinHandshake(this.#signaling, options.handlerName, () => this.#publisher.encryption);
    this.#warm = new WarmTransports(signaling);
    this.waitingRoom = new WaitingRoomControls(signaling);
    this.#room = new RoomState(emit);
    const e2ee = { encryption: () => this.#publisher.encryption, localId: () => this.peerId ?? '' };
    this.files = new FileTransfers({ signaling, transports: () => this.#session?.transports, onConnectionState: (on) => this.on('connectionStateChanged', ({ state }) => on(state)), ...e2ee });
    this.privateMessages = new PrivateMessages(signaling, e2ee);
    this.#publisher = new Publisher(this.#signaling, emit, (transports, reason) => {
      if (this.#session?.transports === transports) this.#reconnect(reason, { leaveFirst: true, immediate: true, restart: true });
    });
    this.#subscriber = new Subscriber(this.#room, this.#signaling, emit, {
      onReceiveBroken: (reason) => this.#reconnect(reason, { leaveFirst: true, immediate: true }),
    });
    this.#reconnector = new Reconnector(options.reconnectPolicy ?? new BackoffReconnectPolicy(), {
      establish: (attempt) => this.#resumeOrRejoin(attempt),
      discard: () => this.#signaling.keeping.active || this.#teardownSession(),
      leaveOnHost: () => this.#signaling.request('leave', { rejoining: true }, LEAVE_REQUEST_TIMEOUT_MS).then(() => undefined, () => undefined),
      fail: (error) => this.#end(error.message, error),
      wait: (ms) => this.#network.sleep(ms),
    });
    this.#network = watchNetwork({
      machine: this.#machine,
      room: this.#room,
      signaling: this.#signaling,
      emit: this.#emitter,
      options: options.networkWatcher,
      rejoinNow: (reason, { keepSession } = {}) => {
        // The socket may look connected while its path is dead: a fresh one, then resume or rejoin at once. Kept for a resume, the host must see a drop, not a leave.
        this.#signaling[keepSession ? 'drop' : 'disconnect']();
        this.#reconnect(reason, { immediate: true, keepSession });
      },
    });
    this.#listen();
  }

  get state(): ConnectionState {
    return this.#machine.state;
  }
  get peerId(): string | undefined {
    return this.#session?.peerId;
  }
  get participants() {
    return this.#room.participants;
  }
  get localStreams(): ReadonlySet<LocalStream> {
    return this.#publisher.streams;
  }
  get chatHistory(): readonly ReceivedChatMessage[] {
    return this.#room.chatHistory;
  }
  get localParticipant() {
    return this.#room.localParticipant;
  }
  /** Participants other than the host may record. */
  get recordingAllowed(): boolean {
    return this.#room.recordingAllowed;
  }
  /** This participant announced a local recording to the room. */
  get recording(): boolean {
    return this.#recording;
  }
  get locked(): boolean {
    return this.#room.locked;
  }
  get activeSpeakerId(): string | null {
    return this.#room.activeSpeakerId;
  }
  /** For diagnostics and tests: the mediasoup-client transports of the current session. */
  get transports(): { send?: types.Transport; recv?: types.Transport } {
    return { send: this.#session?.transports.send, recv: this.#session?.transports.recv };
  }
  /** End-to-end media encryption (../e2ee) for the sessions of the next join(). */
  set mediaEncryption(encryption: Publisher['encryption']) {
    this.#publisher.encryption = this.#subscriber.encryption = encryption;
  }
  /** For test hooks: drops the signaling connection as a network failure would. */
  get socket() {
    return this.#signaling.socket;
  }

  /**
   * Joins the meeting. Idempotent: while a join with the same parameters is in flight or done,
   * calling it again returns the same promise (React StrictMode mounts twice). Rejects with a
   * ConferenceError (a ConnectionError for connection failures) and ends in `disconnected`.
   */
  join(params: JoinParams): Promise<void> {
    const started = this.#started;
    this.#started = undefined;
    if (started && sameJoin(params, started.params)) return started.promise;
    const state = this.#machine.state;
    if (state !== 'idle' && state !== 'disconnected') {
      if (this.#joining && this.#joinParams && sameJoin(params, this.#joinParams)) return this.#joining;
      return Promise.reject(new ConferenceError('already_joined', 'already in a meeting'));
    }
    this.#joinParams = { ...params };
    this.#resumeToken = undefined;
    this.#signaling.connectTimeoutMs = CONNECT_TIMEOUT_MS;
    const attempt = this.#machine.begin();
    this.#machine.transition('connecting', { attempt });
    this.#joining = this.#establish(attempt, this.#joinParams).catch((error: unknown) => {
      const failure = error instanceof ConferenceError ? error : ConnectionError.from(error);
      if (attempt.current) this.#end(failure.message, failure);
      throw failure;
    });
    return this.#joining;
  }

  /**
   * Starts joining now without a caller waiting (e.g. on the Join click, before the meeting view
   * mounts). The next join() with the same parameters takes this attempt over, whatever its
   * outcome, so a refusal (wrong passcode) is reported there, once.
   */
  startJoin(params: JoinParams): void {
    const promise = this.join(params);
    promise.catch(() => undefined);
    this.#started = { params: { ...params }, promise };
  }

  /**
   * Warms up before the user presses Join: connects signaling and loads the Device; with `roomId` (and
   * no end-to-end encryption) also connects transports the host prepares for it (WarmTransports). `join()`
   * then sends only the join request, and its first remote media waits for no handshake. Resolves whether
   * such transports are connected. Safe to call more than once; failures are left for `join()`.
   */
  async prepare(options: { roomId?: string } = {}): Promise<boolean> {
    const device = await this.#handshake.prepare();
    if (options.roomId === undefined || this.#publisher.encryption || this.#machine.state !== 'idle') return false;
    return this.#warm.prepare(device, options.roomId, { tcpOnly: this.#network.tcpOnly });
  }

  /** Leaves the meeting; a join or reconnection in flight stops where it is. */
  async leave(): Promise<void> {
    this.#joining = undefined;
    this.#started = undefined;
    this.#machine.cancelAll(ConnectionError.cancelled('join (left the meeting)'));
    // Only prepared (or never used): nothing to announce, but the warm connection must go.
    if (this.#machine.state !== 'idle') this.#machine.transition('disconnected', { reason: 'left' });
    const hadSession = this.#session !== undefined && this.#signaling.connected;
    this.#warm.close();
    this.#teardownSession();
    this.#gate.discard();
    await this.#publisher.stopAll();
    if (hadSession) await this.#signaling.request('leave', {}, LEAVE_REQUEST_TIMEOUT_MS).catch(() => undefined);
    this.#signaling.disconnect();
    this.#room.clear();
  }

  /** Restarts ICE on both transports (e.g. after a network change). Resolves whether both are connected. */
  async restartIce(): Promise<boolean> {
    return (await this.#session?.transports.restartIce()) ?? false;
  }

  /** Connect (if needed), load the device, join, consume, then (re)send local streams; a rejoin sends at once (the others wait for it too). */
  async #establish(attempt: Attempt, params: JoinParams, rejoin = false): Promise<void> {
    const { promise, markReady, markFailed } = sessionReadiness();
    this.#sessionReady = promise;
    let session: Session | undefined;
    try {
      this.#gate.hold();
      const usePrepared = this.#warm.claim(params.roomId, !rejoin && !this.#publisher.encryption);
      const { device, answer } = await this.#handshake.join(params, this.#resumeToken, attempt, () => this.#machine.transition('waiting', { attempt }), usePrepared);
      attempt.check();
      session = this.#startSession(attempt, device, answer, params, usePrepared ? this.#warm.take(answer) : undefined);
      const sending = rejoin ? this.#publisher.startSendAll(session.transports, () => attempt.current) : undefined;
      // Already resumed by the host (or held until told they were taken): consuming them connects the receive transport, media flows.
      await this.#subscriber.takeJoinAnswer(session.transports.recv, answer.consumers, () => attempt.current, answer.consumersHeld === true);
      attempt.check();
      markReady();
      this.#gate.release();
      // The receive side first: local media starts once the remote media is flowing (bounded).
      const consumers = [...this.#room.participants.values()].flatMap((participant) => [...participant.streams.values()].map((remote) => remote.consumer));
      if (!rejoin) this.#publisher.holdUntil(firstMediaArrived(session.transports.recv, consumers));
      this.#machine.transition('connected', { attempt });
      // A rejoin is a new participant for the host: say again that we are recording.
      if (this.#recording) await this.#signaling.request('setRecording', { recording: true }).catch(() => undefined);
      await (sending ?? this.#publisher.sendAll(session.transports, () => attempt.current));
      attempt.check();
    } catch (error) {
      markFailed(error);
      this.#gate.discard();
      // A newer run or leave() owns the conference now: undo only what this run built.
      if (!attempt.current && session && this.#session !== session) session.transports.close();
      throw error;
    }
  }

  /** The session kept (only the connection dropped) is resumed; failing that, or without one, a rejoin. */
  async #resumeOrRejoin(attempt: Attempt): Promise<void> {
    const session = this.#session;
    const kept = session && this.#resumeToken ? { session, roomId: this.#joinParams!.roomId, resumeToken: this.#resumeToken, setReady: (ready: Promise<void>) => (this.#sessionReady = ready) } : undefined;
    const resumeToken = kept && (await resumeSession(this.#signaling, kept, attempt));
    if (session && resumeToken) {
      this.#resumeToken = resumeToken;
      this.#machine.transition('connected', { attempt });
      return this.#network.recheck('resumed', this.#signaling.keeping.settle(true) >= LONG_DROP_MS);
    }
    this.#teardownSession();
    return this.#establish(attempt, this.#joinParams!, true);
  }

  /** `prepared`: the lobby's transports, which the host took over for this join. */
  #startSession(attempt: Attempt, device: NonNullable<JoinHandshake['device']>, answer: JoinAnswer, params: JoinParams, prepared?: MediaTransports): Session {
    this.#resumeToken = answer.resumeToken;
    this.#signaling.keeping.windowMs = answer.resumeGraceMs ?? KEEP_SESSION_MS;
    const transports = sessionTransports(device, this.#signaling, answer, {
      prepared,
      tcpOnly: this.#network.tcpOnly,
      media: this.#publisher.encryption,
      onLost: (reason) => {
        if (this.#session?.transports === transports) this.#reconnect(reason, { leaveFirst: true });
      },
    });
    this.#network.watchTransport(transports.send);
    this.#network.watchTransport(transports.recv);
    const session: Session = { attempt, peerId: answer.peerId, transports };
    this.#session = session;
    this.#publisher.setTransports(transports);
    this.#room.applyJoin(answer, params.displayName);
    this.waitingRoom.applyJoin(answer);
    return session;
  }

  /** Starts a reconnection run (from `connected`, or anew from `reconnecting` when `restart` says so); the older run goes stale. */
  #reconnect(reason: string, options: { immediate?: boolean; leaveFirst?: boolean; restart?: boolean; keepSession?: boolean } = {}): void {
    const state = this.#machine.state;
    if (state !== 'connected' && !(options.restart && state === 'reconnecting')) return;
    const attempt = this.#machine.begin();
    this.#machine.transition('reconnecting', { reason, attempt });
    this.#signaling.connectTimeoutMs = REJOIN_CONNECT_TIMEOUT_MS;
    if (!options.keepSession || !this.#signaling.keeping.start()) this.#teardownSession();
    void this.#reconnector.run(attempt, options);
  }

  /** Ends the meeting for good (fatal error, kicked, gave up): nothing in flight may act after this. */
  #end(reason: string, error: ConferenceError): void {
    this.#joining = undefined;
    this.#machine.cancelAll(error);
    this.#teardownSession();
    this.#warm.close();
    this.#gate.discard();
    this.#signaling.disconnect();
    this.#machine.transition('disconnected', { reason, error });
  }

  /** Forgets the current session's transports and remote streams; local tracks stay. */
  #teardownSession(): void {
    const session = this.#session;
    this.#signaling.keeping.settle(false);
    if (!session) return;
    this.#session = undefined;
    this.#publisher.setTransports(undefined);
    this.#subscriber.clear();
    session.transports.close();
  }

  // --- Local media ---------------------------------------------------------------------------

  /** Starts camera and/or microphone and sends them. getUserMedia failures are MediaDeviceErrors. */
  produce(request?: MediaRequest): Promise<LocalStream[]> {
    return this.#publisher.produce(request);
  }
  /** Shares a screen or window (the browser or the desktop app's picker chooses which). */
  shareScreen(): Promise<LocalStream> {
    return this.#publisher.shareScreen();
  }
  /** Sends an existing track (any source). The returned LocalStream survives reconnections. */
  produceTrack(track: MediaStreamTrack, source: MediaSource): Promise<LocalStream> {
    return this.#publisher.produceTrack(track, source);
  }

  async #onNewConsumers(offer: NewConsumer[]): Promise<ConsumerTakeResult[]> {
    await this.#sessionReady;
    const session = this.#session;
    if (!session) throw new ConferenceError('not_joined', 'not in a meeting');
    // A session kept for a resume is current too: what it takes meanwhile is still its own.
    return this.#subscriber.take(session.transports.recv, offer, () => this.#session === session && (session.attempt.current || this.#signaling.keeping.active));
  }

  /** Pause or resume receiving one stream (e.g. its tile scrolled out of view). */
  setConsumerPaused(consumerId: string, paused: boolean): Promise<void> {
    return this.#subscriber.setPaused(consumerId, paused);
  }
  /** Ask for the simulcast layer that fits where the video is shown. */
  setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    return this.#subscriber.setPreferredLayers(consumerId, spatialLayer, temporalLayer);
  }

  // --- Meeting features and host controls ----------------------------------------------------

  async sendChat(text: string): Promise<ReceivedChatMessage> {
    const { message } = await this.#signaling.request('sendChat', await sealChat(this.#publisher.encryption, text, { from: this.peerId ?? '' }));
    return this.#room.chat(asSent(message, text), true);
  }
  async setHandRaised(raised: boolean): Promise<void> {
    await this.#signaling.request('setHand', { raised });
    this.#room.setLocalHand(raised);
  }
  async setDisplayName(displayName: string): Promise<void> {
    await this.#signaling.request('setDisplayName', { displayName });
    if (this.#joinParams) this.#joinParams.displayName = displayName;
    this.#room.setLocalName(displayName);
  }
  /** Announces a local recording to the room (refused unless host or allowed by the host). */
  async setRecording(recording: boolean): Promise<void> {
    if (this.#session) await this.#signaling.request('setRecording', { recording });
    this.#recording = recording;
  }

  // --- Connection events ---------------------------------------------------------------------

  #listen(): void {
    listenToHost(this.#signaling, this.#gate, {
      room: this.#room, subscriber: this.#subscriber, publisher: this.#publisher, emit: this.#emitter, machine: this.#machine,
      onNewConsumers: (offer) => this.#onNewConsumers(offer),
      reconnect: (reason, options) => this.#reconnect(reason, options),
      end: (reason, error) => this.#end(reason, error),
    });
  }
}
