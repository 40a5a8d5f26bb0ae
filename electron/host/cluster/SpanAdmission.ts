import { randomUUID } from 'node:crypto';
import { HostError } from '../errors';
import type { Logger } from '../logger';
import type { PeerChannel } from '../Peer';
import type { Room } from '../Room';
import type { ResumeGrant } from '../room/ResumeTokens';
import type { SpanAnswer, SpanArgs } from './spanMessages';
import type { Ask } from './SpanPipes';

/** What a join tells its span before admission (a subset of Room's JoinOptions). */
export interface SpanJoin {
  asOwner?: boolean;
  resumeToken?: string;
  displayName?: string;
  address?: string;
  channel?: Pick<PeerChannel, 'notify' | 'signal'>;
}

export interface SpanAdmissionDeps {
  room: Room;
  ask: Ask;
  /** The meeting's home when it is another node (undefined: this node is home). */
  home: () => { id: string; url: string } | undefined;
  claimHome: () => Promise<boolean>;
  /** The grant for the resume token of a participant another node served (SpanResume). */
  resumeGrant: (token: string | undefined) => Promise<ResumeGrant | undefined>;
  logger: Logger;
}

/** Beyond the wait the home announced: the bus round trip and the home's own timer. */
const KNOCK_MARGIN_MS = 10_000;

/**
 * Admission of a meeting spanning nodes. It stays with the meeting's home: a join reaching a
 * satellite is admitted there only if the home says the meeting is open, or — waiting room on —
 * after the home's host let it in: the knock waits in the home's waiting room (the host sees it as
 * any other) while the participant stays connected to the satellite, which is told the outcome.
 * Locked and passcode meetings, and owner joins, go to the home (`wrong_node`). A participant of a
 * node that is gone resumes wherever it reconnects (its token's digest was in its node's roster).
 */
export class SpanAdmission {
  readonly #deps: SpanAdmissionDeps;
  /** Satellite: knocks waiting on the home, by id (failed at once when the home goes). */
  readonly #knocking = new Map<string, { home: string; fail: (error: HostError) => void }>();
  /** Home: knocks from satellites in this meeting's waiting room, by node and knock id. */
  readonly #knocks = new Map<string, AbortController>();

  constructor(deps: SpanAdmissionDeps) {
    this.#deps = deps;
  }

  /** Returns how the meeting's home admitted the join (undefined: this node decides: it is home, or the join resumes). */
  async admit(join: SpanJoin): Promise<'open' | 'letIn' | undefined> {
    const { room } = this.#deps;
    const home = this.#deps.home();
    // The owner becomes host: that role, like the lock and the passcode, lives on the home.
    if (home && join.asOwner) throw wrongNode(home);
    // A participant whose connection to this node dropped: its token is this node's, revoked here
    // by whatever revoked it anywhere (MeetingSettings): this node's admission decides.
    if (room.meetingState.admission.tokens.has(join.resumeToken)) return undefined;
    // A participant of another node coming back (its node died): it resumes here as itself, and
    // like any resume it passes the lock, the passcode and the waiting room (it was admitted).
    const grant = await this.#deps.resumeGrant(join.resumeToken);
    if (grant && !room.peers.has(grant.peerId)) {
      room.meetingState.admission.tokens.adopt(join.resumeToken!, grant);
      return undefined;
    }
    if (!home) return undefined;
    let answer: SpanAnswer<'admit'>;
    try {
      answer = await this.#deps.ask(home.id, 'admit', { roomId: room.id });
    } catch (error) {
      if (await this.#deps.claimHome().catch(() => false)) return undefined;
      // The home is alive (its heartbeat) but does not answer here (a node without spanning, a bus
      // outage): the join goes there, as in a cluster of meetings per node.
      this.#deps.logger.warn({ home: home.id, err: (error as Error).message }, 'cluster: the meeting\'s home did not answer; sending the join there');
      throw wrongNode(home);
    }
    if (answer.open) return 'open';
    // Locked or passcode: the home admits (or not) itself.
    if (answer.waitingMaxMs === undefined || !join.channel || join.displayName === undefined) throw wrongNode(home);
    await this.#knock(home, answer.waitingMaxMs, { ...join, channel: join.channel, displayName: join.displayName });
    return 'letIn';
  }

  /** Satellite: waits in the home's waiting room; returns once let in, throws the home's refusal. */
  async #knock(home: { id: string; url: string }, maxWaitMs: number, join: SpanJoin & Required<Pick<SpanJoin, 'channel' | 'displayName'>>): Promise<void> {
    const { room } = this.#deps;
    const knockId = randomUUID();
    const { channel } = join;
    if (channel.signal?.aborted) throw new HostError('not_joined', 'the connection closed while waiting to be let in');
    const onGone = () => void this.#deps.ask(home.id, 'unknock', { roomId: room.id, knockId }).catch(() => undefined);
    channel.signal?.addEventListener('abort', onGone, { once: true });
    channel.notify('waiting', { maxWaitMs });
    try {
      const answer = await new Promise<SpanAnswer<'knock'>>((resolve, reject) => {
        this.#knocking.set(knockId, { home: home.id, fail: reject });
        const args = { roomId: room.id, knockId, displayName: join.displayName, address: join.address ?? '' };
        this.#deps.ask(home.id, 'knock', args, maxWaitMs + KNOCK_MARGIN_MS).then(resolve, () => reject(new HostError('internal', 'the meeting\'s server did not answer; try again')));
      });
      if (answer.admitted) return;
      throw answer.code === 'wrong_node' ? wrongNode(home) : new HostError(answer.code ?? 'denied', answer.message ?? 'The host did not let you in');
    } finally {
      this.#knocking.delete(knockId);
      channel.signal?.removeEventListener('abort', onGone);
    }
  }

  /** Home: a satellite's knock, in this meeting's waiting room until the host decides (or it is withdrawn). */
  async answerKnock(from: string, { knockId, displayName, address }: SpanArgs<'knock'>): Promise<SpanAnswer<'knock'>> {
    const { room } = this.#deps;
    if (this.#deps.home() || room.closed) return { admitted: false, code: 'wrong_node' };
    const key = `${from} ${knockId}`;
    const withdrawn = new AbortController();
    this.#knocks.set(key, withdrawn);
    try {
      const letIn = await room.meetingState.admission.waiting.wait({ displayName, address, channel: { notify: () => undefined, signal: withdrawn.signal } });
      // The waiting room was turned off meanwhile: open unless locked or given a passcode since.
      if (!letIn && room.locked) return { admitted: false, code: 'room_locked', message: 'the host has locked this meeting' };
      if (!letIn && room.hasPasscode) return { admitted: false, code: 'wrong_node' };
      return { admitted: true };
    } catch (error) {
      if (error instanceof HostError) return { admitted: false, code: error.code, message: error.message };
      throw error;
    } finally {
      this.#knocks.delete(key);
    }
  }

  /** Home: the knocker went (its connection to the satellite closed). */
  withdraw(from: string, knockId: string): void {
    this.#knocks.get(`${from} ${knockId}`)?.abort();
  }

  /** Satellite: the home is gone; a knock there can never be answered. */
  nodesLive(live: ReadonlySet<string>): void {
    for (const knock of this.#knocking.values()) if (!live.has(knock.home)) knock.fail(new HostError('internal', 'the meeting moved to another server; try again'));
  }

  close(): void {
    for (const withdrawn of this.#knocks.values()) withdrawn.abort();
    for (const knock of this.#knocking.values()) knock.fail(new HostError('not_found', 'the meeting ended'));
  }
}

function wrongNode(home: { id: string; url: string }): HostError {
  return new HostError('wrong_node', `this meeting is hosted by ${home.id}`, home.url);
}
