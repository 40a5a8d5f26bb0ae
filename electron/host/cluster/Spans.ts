import type { Logger } from '../logger';
import type { Room } from '../Room';
import type { RoomRegistry } from '../RoomRegistry';
import type { ClusterBus } from './ClusterBus';
import type { MeetingSettings } from './MeetingSettings';
import { RoomSpan } from './RoomSpan';
import { spanRequests, type SpanAnswer, type SpanArgs, type SpanOp } from './spanMessages';
import type { PipeListen } from './SpanPipes';

export interface SpansDeps {
  bus: ClusterBus;
  settings: MeetingSettings;
  rooms: RoomRegistry;
  listen: PipeListen;
  /** The meeting's home when another node is (undefined: this node). */
  homeOf: (roomId: string) => { id: string; url: string } | undefined;
  /** Tries to become the meeting's home; true when this node is now. */
  claimHome: (roomId: string) => Promise<boolean>;
  logger: Logger;
}

export interface SpanStats {
  roomId: string;
  home: string | null;
  remotePeers: number;
  pipes: RoomSpan['pipes']['stats'];
}

/**
 * This node's share of meetings that span nodes: a RoomSpan per open room, and the answers to
 * the other nodes' requests about them (admission by the home, pipe set-up, host controls).
 */
export class Spans {
  readonly #deps: SpansDeps;
  readonly #spans = new Map<string, RoomSpan>();

  constructor(deps: SpansDeps) {
    this.#deps = deps;
    deps.settings.onWritten = (room, rev) => this.#spans.get(room.id)?.settingsWritten(rev);
    deps.settings.onRevoked = (room) => this.#spans.get(room.id)?.revokeAbsent();
    deps.rooms.on('roomOpened', (room) => this.#attach(room));
    deps.rooms.on('roomClosed', (roomId) => {
      const span = this.#spans.get(roomId);
      if (span?.room.closed) {
        this.#spans.delete(roomId);
        span.close();
      }
    });
  }

  /** Asks another node, its answer checked against the operation's schema. */
  ask = async <O extends SpanOp>(nodeId: string, op: O, args: SpanArgs<O>, timeoutMs?: number): Promise<SpanAnswer<O>> => {
    // Admission is on a participant's way in: short. Pipe set-up waits on both workers: longer.
    const answer = await this.#deps.bus.request(nodeId, op, args, timeoutMs ?? (op === 'admit' ? 2_000 : 5_000));
    return spanRequests[op].answer.parse(answer) as SpanAnswer<O>;
  };

  /** Answers another node's request. */
  async handle(from: string, op: string, args: unknown): Promise<unknown> {
    switch (op) {
      case 'admit': {
        const room = this.#spans.get(spanRequests.admit.args.parse(args).roomId)?.room;
        if (!room || room.closed || this.#deps.homeOf(room.id) || room.locked || room.hasPasscode) return { open: false } satisfies SpanAnswer<'admit'>;
        const waiting = room.meetingState.admission.waiting;
        return (waiting.enabled ? { open: false, waitingMaxMs: waiting.maxWaitMs } : { open: true }) satisfies SpanAnswer<'admit'>;
      }
      case 'knock': {
        const knock = spanRequests.knock.args.parse(args);
        return this.#span(knock.roomId).admission.answerKnock(from, knock);
      }
      case 'unknock': {
        const { roomId, knockId } = spanRequests.unknock.args.parse(args);
        this.#span(roomId).admission.withdraw(from, knockId);
        return {};
      }
      case 'pipeOpen': {
        const { roomId, end } = spanRequests.pipeOpen.args.parse(args);
        return this.#span(roomId).pipes.openOutbound(from, end);
      }
      case 'pipeProducer': {
        const { roomId, producerId } = spanRequests.pipeProducer.args.parse(args);
        return this.#span(roomId).pipes.pipeOut(from, producerId);
      }
      case 'pipeDemand': {
        const { roomId, producerId, flowing } = spanRequests.pipeDemand.args.parse(args);
        await this.#span(roomId).pipes.setSending(from, producerId, flowing);
        return {};
      }
      case 'command': {
        const { roomId, action, peerId, by } = spanRequests.command.args.parse(args);
        this.#span(roomId).execute(action, peerId, by);
        return {};
      }
      case 'pipeDataProducer': {
        const { roomId, dataProducerId } = spanRequests.pipeDataProducer.args.parse(args);
        return this.#span(roomId).pipes.pipeDataOut(from, dataProducerId);
      }
      case 'fileOffer': {
        const offer = spanRequests.fileOffer.args.parse(args);
        await this.#span(offer.roomId).files.offer(from, offer);
        return {};
      }
      case 'fileToRecipient': {
        const notice = spanRequests.fileToRecipient.args.parse(args);
        this.#span(notice.roomId).files.toRecipient(from, notice);
        return {};
      }
      case 'fileFromRecipient': {
        const notice = spanRequests.fileFromRecipient.args.parse(args);
        this.#span(notice.roomId).files.fromRecipient(from, notice);
        return {};
      }
      case 'hostDecide': {
        const decision = spanRequests.hostDecide.args.parse(args);
        return this.#span(decision.roomId).host.answerDecision(from, decision);
      }
      case 'privateMessage': {
        const { roomId, message } = spanRequests.privateMessage.args.parse(args);
        this.#span(roomId).deliverPrivate(from, message);
        return {};
      }
      default:
        throw new Error(`unknown request ${op}`);
    }
  }

  #span(roomId: string): RoomSpan {
    const span = this.#spans.get(roomId);
    if (!span || span.room.closed) throw new Error('the meeting is not open here');
    return span;
  }

  /** The live nodes changed: spans forget the participants and pipes of nodes that are gone. */
  nodesLive(ids: readonly string[]): void {
    const live = new Set(ids);
    for (const span of this.#spans.values()) span.nodesLive(live);
  }

  /** The other nodes serving participants of `roomId`. */
  nodesOf(roomId: string): string[] {
    return this.#spans.get(roomId)?.remoteNodes() ?? [];
  }

  /** This node became home of `roomId`. */
  roleChanged(roomId: string): void {
    this.#spans.get(roomId)?.roleChanged();
  }

  stats(): SpanStats[] {
    return [...this.#spans.values()].map((span) => ({ roomId: span.room.id, home: this.#deps.homeOf(span.room.id)?.id ?? null, remotePeers: span.remoteCount, pipes: span.pipes.stats }));
  }

  #attach(room: Room): void {
    this.#spans.get(room.id)?.close();
    const span = new RoomSpan(room, {
      bus: this.#deps.bus,
      settings: this.#deps.settings,
      ask: this.ask,
      listen: this.#deps.listen,
      home: () => this.#deps.homeOf(room.id),
      claimHome: () => this.#deps.claimHome(room.id),
      logger: this.#deps.logger,
    });
    this.#spans.set(room.id, span);
    room.span = span;
    span.start().catch((error: unknown) => this.#deps.logger.warn({ roomId: room.id, err: (error as Error).message }, 'cluster: could not subscribe to the meeting\'s channel'));
  }

  close(): void {
    for (const span of this.#spans.values()) span.close();
    this.#spans.clear();
  }
}
