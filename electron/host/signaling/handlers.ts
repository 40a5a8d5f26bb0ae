import type { ParsedRequest, RequestName, ResponseData } from '../../../shared/protocol';
import type { IceServer } from '../../../shared/protocol';
import { HostError } from '../errors';
import type { Room } from '../Room';
import { connectOnce } from '../room/connectOnce';
import type { RoomRegistry } from '../RoomRegistry';
import type { ActionLimits } from '../security/ActionLimits';
import type { Session } from './Session';
import { fromWireDtlsParameters, fromWireRtpCapabilities, fromWireRtpParameters, toWireRtpCapabilities, toWireTransport } from './wire';
import { allowRecording, setRecording } from '../recording';
import type { Logger } from '../logger';
import { fileHandlers } from './fileHandlers';
import { joined } from './joined';
import { PeerLink } from './PeerLink';
import { resume } from './resume';

export interface HandlerContext {
  session: Session;
  rooms: RoomRegistry;
  actionLimits: ActionLimits;
  iceServers: () => IceServer[];
  /** Verifies the owner key (desktop app) or the admin token (headless host): the host role. */
  isOwnerKey: (key: string | undefined) => boolean;
  /** How long a connection may stay without joining (re-armed when a participant leaves). */
  joinDeadlineMs: number;
  /** How long a dropped participant's media session waits for a `resume` (0: never). */
  resumeGraceMs?: number;
  /** Largest file relayed between participants (ROUNDTABLE_MAX_FILE_BYTES); the default cap when absent. */
  maxFileBytes?: number;
  logger?: Logger;
  /** Clustered: every live node's URL, given in the join answer for failover. */
  clusterNodes?: () => string[];
}

type Handler<N extends RequestName> = (ctx: HandlerContext, data: ParsedRequest<N>) => Promise<ResponseData<N>> | ResponseData<N>;

/** The meeting's waiting room (part of its admission, which outlives a room moved to another worker). */
const waitingRoomOf = (room: Room) => room.meetingState.admission.waiting;

/** The host's own request about the waiting room. */
function hostOfWaitingRoom(ctx: HandlerContext): { room: Room; waiting: ReturnType<typeof waitingRoomOf> } {
  const { peer, room } = joined(ctx);
  room.assertHost(peer);
  return { room, waiting: waitingRoomOf(room) };
}

export const handlers: { [N in RequestName]: Handler<N> } = {
  async join(ctx, data) {
    const { session } = ctx;
    if (session.peer && !session.peer.closed) throw new HostError('already_joined', 'already in a meeting; leave first');
    if (session.joining) throw new HostError('already_joined', 'a join is already in progress');
    session.joining = true;
    session.consumerBatches = data.consumerBatches === true;
    session.scoreBatches = data.scoreBatches === true;
    try {
      await ctx.actionLimits.consume('join', session.id);
      const asOwner = ctx.isOwnerKey(data.ownerKey);
      // The room is held open while this join uses it, and released (closed if nobody got in) however the join ends.
      return await ctx.rooms.use(data.roomId, async (room) => {
        // Not taken over: they must not outlive this join either.
        if (data.usePrepared !== true) session.takePrepared()?.release();
        const e2ee = room.meetingState.admission.e2ee;
        const link = new PeerLink(session);
        const encrypts = data.e2ee === true;
        e2ee.assertMayJoin(encrypts);
        const result = await room.join({
          displayName: data.displayName,
          channel: link,
          address: session.address,
          rtpCapabilities: fromWireRtpCapabilities(data.rtpCapabilities),
          passcode: data.passcode,
          resumeToken: data.resumeToken,
          asOwner,
          prepared: data.usePrepared === true ? session.takePrepared() : undefined,
          departed: session.signal,
        });
        const { peer } = result;
        peer.once('close', () => link.release());
        try {
          if (!session.socket.connected) throw new HostError('not_joined', 'disconnected during join');
          // Checked again: the owner may have marked the meeting while this join waited to be let in.
          e2ee.joined(peer, { encrypts, asOwner }, room.peers.values());
          session.attach(room, peer, ctx.joinDeadlineMs);
          const held = result.adoptedPrepared;
          const consumers = await room.media.consumeExisting(peer, { held });
          if (peer.closed) throw new HostError('not_joined', 'left during join');
          return {
            peerId: peer.id,
            roomId: room.id,
            isHost: result.isHost,
            resumeToken: result.resumeToken,
            routerRtpCapabilities: toWireRtpCapabilities(room.router.rtpCapabilities),
            sendTransport: toWireTransport(peer.sendTransport),
            recvTransport: toWireTransport(peer.recvTransport),
            peers: room.peerInfos(peer),
            consumers,
            chatHistory: [...room.chat],
            locked: room.locked,
            iceServers: ctx.iceServers(),
            recordingAllowed: room.recordingAllowed,
            ...(ctx.clusterNodes ? { clusterNodes: ctx.clusterNodes() } : {}),
            resumeGraceMs: ctx.resumeGraceMs ?? 0,
            waitingRoom: waitingRoomOf(room).enabled,
            waitingList: result.isHost ? waitingRoomOf(room).list() : undefined,
            e2ee: e2ee.on,
            ...(held ? { consumersHeld: true } : {}),
          };
        } catch (error) {
          // Nothing the failed join created may stay behind.
          peer.close('left');
          throw error;
        }
      });
    } finally {
      session.joining = false;
    }
  },

  resume,

  ping(ctx) {
    joined(ctx);
    return {};
  },

  leave(ctx, data) {
    const { peer } = joined(ctx);
    peer.close(data?.rejoining ? 'disconnected' : 'left');
    return {};
  },

  async prepareTransports(ctx, data) {
    const { session } = ctx;
    if ((session.peer && !session.peer.closed) || session.joining) throw new HostError('already_joined', 'already in a meeting');
    await ctx.actionLimits.consume('join', session.id);
    const ticket = session.beginPrepare();
    const room = ctx.rooms.get(data.roomId);
    // Nothing to prepare on: the meeting is not open on this host (yet); it is encrypted end to end
    // (its clients set up their transports for that with the peer id the join gives them); or it has
    // a waiting room (a stranger gets nothing of the meeting's before the host lets it in).
    if (!room || room.closed || room.meetingState.admission.e2ee.on || waitingRoomOf(room).enabled) return { prepared: null };
    const prepared = await room.prepareTransports();
    // A join that started meanwhile did without them.
    if (session.joining || session.peer) {
      prepared.release();
      return { prepared: null };
    }
    // A later request (another meeting named in the lobby) wins, whichever finishes first.
    if (!session.setPrepared(prepared, ticket)) return { prepared: null };
    return { prepared: { sendTransport: toWireTransport(prepared.send), recvTransport: toWireTransport(prepared.recv), iceServers: ctx.iceServers() } };
  },

  async connectTransport(ctx, data) {
    const dtlsParameters = fromWireDtlsParameters(data.dtlsParameters);
    const prepared = ctx.session.peer ? undefined : ctx.session.prepared?.owns(data.transportId);
    if (prepared) {
      await connectOnce(prepared, dtlsParameters);
      return {};
    }
    const { peer, room } = joined(ctx);
    await connectOnce(room.ownTransport(peer, data.transportId), dtlsParameters);
    return {};
  },

  consumersTaken(ctx, data) {
    const { peer, room } = joined(ctx);
    room.media.taken(peer, data.consumerIds);
    return {};
  },

  async restartIce(ctx, data) {
    const { peer, room } = joined(ctx);
    const iceParameters = await room.ownTransport(peer, data.transportId).restartIce();
    return { iceParameters };
  },

  async produce(ctx, data) {
    const { peer, room } = joined(ctx);
    const rtpParameters = fromWireRtpParameters(data.rtpParameters);
    const again = peer.producerAskedAgain(data.source, data.kind, rtpParameters);
    if (again) return { producerId: again.id };
    const producer = await room.produce(peer, { ...data, rtpParameters });
    return { producerId: producer.id };
  },

  pauseProducer(ctx, data) {
    const { peer, room } = joined(ctx);
    room.setProducerPaused(peer, data.producerId, true);
    return {};
  },

  resumeProducer(ctx, data) {
    const { peer, room } = joined(ctx);
    room.setProducerPaused(peer, data.producerId, false);
    return {};
  },

  closeProducer(ctx, data) {
    const { peer, room } = joined(ctx);
    room.closeProducer(peer, data.producerId);
    return {};
  },

  async pauseConsumer(ctx, data) {
    const { peer, room } = joined(ctx);
    await room.setConsumerPaused(peer, data.consumerId, true);
    return {};
  },

  async resumeConsumer(ctx, data) {
    const { peer, room } = joined(ctx);
    await room.setConsumerPaused(peer, data.consumerId, false);
    return {};
  },

  reofferConsumers(ctx, data) {
    const { peer, room } = joined(ctx);
    room.media.reoffer(peer, data.consumerIds, data.renew);
    return {};
  },

  async setConsumerPreferredLayers(ctx, data) {
    const { peer, room } = joined(ctx);
    const consumer = room.ownConsumer(peer, data.consumerId);
    if (consumer.kind !== 'video') throw new HostError('bad_request', 'layers apply to video consumers');
    await consumer.setPreferredLayers({ spatialLayer: data.spatialLayer, temporalLayer: data.temporalLayer });
    return {};
  },

  async sendChat(ctx, data) {
    const { peer, room } = joined(ctx);
    await ctx.actionLimits.consume('chat', ctx.session.id);
    return { message: room.addChat(peer, data.text, data.ciphertext) };
  },

  async setHand(ctx, data) {
    const { peer, room } = joined(ctx);
    await ctx.actionLimits.consume('hand', ctx.session.id);
    room.setHand(peer, data.raised);
    return {};
  },

  async sendReaction(ctx, data) {
    const { peer, room } = joined(ctx);
    await ctx.actionLimits.consume('reaction', ctx.session.id);
    room.broadcast('reaction', { peerId: peer.id, reaction: data.reaction });
    return {};
  },

  async setDisplayName(ctx, data) {
    const { peer, room } = joined(ctx);
    await ctx.actionLimits.consume('rename', ctx.session.id);
    room.rename(peer, data.displayName);
    return {};
  },

  hostMutePeer(ctx, data) {
    const { peer, room } = joined(ctx);
    room.mutePeer(peer, data.peerId);
    return {};
  },

  hostRemovePeer(ctx, data) {
    const { peer, room } = joined(ctx);
    room.removePeer(peer, data.peerId);
    return {};
  },

  async hostLockRoom(ctx, data) {
    const { peer, room } = joined(ctx);
    room.setLocked(peer, data.locked);
    await ctx.rooms.placement?.settled?.(room.id);
    return {};
  },

  async hostSetPasscode(ctx, data) {
    const { peer, room } = joined(ctx);
    room.setPasscode(peer, data.passcode);
    // Clustered: answered once every node can see the change.
    await ctx.rooms.placement?.settled?.(room.id);
    return {};
  },

  async setRecording(ctx, data) {
    const { peer, room } = joined(ctx);
    await ctx.actionLimits.consume('recording', ctx.session.id);
    setRecording(room, peer, data.recording);
    return {};
  },

  hostAllowRecording(ctx, data) {
    const { peer, room } = joined(ctx);
    allowRecording(room, peer, data.allowed);
    return {};
  },

  async hostSetWaitingRoom(ctx, data) {
    const { room, waiting } = hostOfWaitingRoom(ctx);
    if (waiting.enabled === data.enabled) return {};
    waiting.setEnabled(data.enabled);
    room.broadcast('waitingRoomChanged', { enabled: data.enabled });
    room.emit('admissionChanged', {});
    await ctx.rooms.placement?.settled?.(room.id);
    return {};
  },

  // Through `decide`: a host served by a node other than the meeting's home decides there (cluster/SpanHost).
  async hostAdmit(ctx, data) {
    await hostOfWaitingRoom(ctx).waiting.decide('admit', data.waitingId);
    return {};
  },

  async hostDeny(ctx, data) {
    await hostOfWaitingRoom(ctx).waiting.decide('deny', data.waitingId);
    return {};
  },

  async hostAdmitAll(ctx) {
    return { admitted: await hostOfWaitingRoom(ctx).waiting.decide('admitAll') };
  },
  ...fileHandlers,
};
