import type { types } from 'mediasoup';
import { limits } from '../../../shared/limits';
import type { ParsedRequest, RequestName, ResponseData, TransportOptions } from '../../../shared/protocol';
import { HostError } from '../errors';
import type { Peer } from '../Peer';
import type { RateLimiter } from '../RateLimiter';
import type { Room } from '../Room';
import type { RoomRegistry } from '../RoomRegistry';
import type { IceServer } from '../../../shared/protocol';
import type { Session } from './Session';
import { allowRecording, setRecording } from '../recording';

export interface HandlerContext {
  session: Session;
  rooms: RoomRegistry;
  passcodeLimiter: RateLimiter;
  iceServers: () => IceServer[];
  /** Verifies the desktop app's owner key (host role whoever created the room). */
  isOwnerKey: (key: string | undefined) => boolean;
}

type Handler<N extends RequestName> = (ctx: HandlerContext, data: ParsedRequest<N>) => Promise<ResponseData<N>> | ResponseData<N>;

function joined(ctx: HandlerContext): { peer: Peer; room: Room } {
  const { peer, room } = ctx.session;
  if (!peer || !room || peer.closed) throw new HostError('not_joined', 'join a meeting first');
  return { peer, room };
}

function transportOptions(transport: types.WebRtcTransport): TransportOptions {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates as unknown as Record<string, unknown>[],
    dtlsParameters: transport.dtlsParameters as unknown as Record<string, unknown>,
    sctpParameters: transport.sctpParameters as unknown as Record<string, unknown> | undefined,
  };
}

export const handlers: { [N in RequestName]: Handler<N> } = {
  async join(ctx, data) {
    const { session } = ctx;
    if (session.peer && !session.peer.closed) throw new HostError('already_joined', 'already in a meeting; leave first');
    if (session.joining) throw new HostError('already_joined', 'a join is already in progress');
    session.joining = true;
    try {
      const room = await ctx.rooms.getOrCreate(data.roomId);
      if (room.hasPasscode && !data.resumeToken && !ctx.passcodeLimiter.allowed(session.address)) {
        const seconds = Math.ceil(ctx.passcodeLimiter.retryAfterMs(session.address) / 1000);
        throw new HostError('rate_limited', `too many wrong passcodes; try again in ${seconds} s`);
      }
      const joinOptions = {
        displayName: data.displayName,
        channel: session,
        rtpCapabilities: data.rtpCapabilities as types.RtpCapabilities,
        passcode: data.passcode,
        resumeToken: data.resumeToken,
        asOwner: ctx.isOwnerKey(data.ownerKey),
      };
      let result;
      try {
        result = await room.join(joinOptions);
      } catch (error) {
        if (error instanceof HostError && error.code === 'unauthorized') ctx.passcodeLimiter.fail(session.address);
        // A room that nobody managed to enter must not linger.
        if (room.peers.size === 0) room.emit('empty');
        throw error;
      }
      if (!session.socket.connected) {
        // The client vanished mid-handshake: nothing it owned may stay behind.
        result.peer.close();
        throw new HostError('not_joined', 'disconnected during join');
      }
      session.attach(room, result.peer);
      const { peer } = result;
      const consumers = await room.consumeExisting(peer);
      return {
        peerId: peer.id,
        roomId: room.id,
        isHost: result.isHost,
        resumeToken: result.resumeToken,
        routerRtpCapabilities: room.router.rtpCapabilities as ResponseData<'join'>['routerRtpCapabilities'],
        sendTransport: transportOptions(peer.sendTransport),
        recvTransport: transportOptions(peer.recvTransport),
        peers: room.peerInfos(peer),
        consumers,
        chatHistory: [...room.chat],
        locked: room.locked,
        iceServers: ctx.iceServers(),
        recordingAllowed: room.recordingAllowed,
      };
    } finally {
      session.joining = false;
    }
  },

  leave(ctx) {
    const { peer } = joined(ctx);
    peer.close();
    return {};
  },

  async connectTransport(ctx, data) {
    const { peer, room } = joined(ctx);
    await room.ownTransport(peer, data.transportId).connect({ dtlsParameters: data.dtlsParameters as unknown as types.DtlsParameters });
    return {};
  },

  async restartIce(ctx, data) {
    const { peer, room } = joined(ctx);
    const iceParameters = await room.ownTransport(peer, data.transportId).restartIce();
    return { iceParameters };
  },

  async produce(ctx, data) {
    const { peer, room } = joined(ctx);
    const producer = await room.produce(peer, { ...data, rtpParameters: data.rtpParameters as unknown as types.RtpParameters });
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
    await room.ownConsumer(peer, data.consumerId).pause();
    return {};
  },

  async resumeConsumer(ctx, data) {
    const { peer, room } = joined(ctx);
    await room.ownConsumer(peer, data.consumerId).resume();
    return {};
  },

  async setConsumerPreferredLayers(ctx, data) {
    const { peer, room } = joined(ctx);
    const consumer = room.ownConsumer(peer, data.consumerId);
    if (consumer.kind !== 'video') throw new HostError('bad_request', 'layers apply to video consumers');
    await consumer.setPreferredLayers({ spatialLayer: data.spatialLayer, temporalLayer: data.temporalLayer });
    return {};
  },

  sendChat(ctx, data) {
    const { peer, room } = joined(ctx);
    return { message: room.addChat(peer, data.text) };
  },

  setHand(ctx, data) {
    const { peer, room } = joined(ctx);
    room.setHand(peer, data.raised);
    return {};
  },

  sendReaction(ctx, data) {
    const { peer, room } = joined(ctx);
    const now = Date.now();
    const recent = ctx.session.reactionTimes.filter((t) => now - t < 1000);
    if (recent.length >= limits.reactionsPerSecond) throw new HostError('limit_exceeded', 'too many reactions; slow down');
    recent.push(now);
    ctx.session.reactionTimes.splice(0, ctx.session.reactionTimes.length, ...recent);
    room.broadcast('reaction', { peerId: peer.id, reaction: data.reaction });
    return {};
  },

  setDisplayName(ctx, data) {
    const { peer, room } = joined(ctx);
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

  hostLockRoom(ctx, data) {
    const { peer, room } = joined(ctx);
    room.setLocked(peer, data.locked);
    return {};
  },

  hostSetPasscode(ctx, data) {
    const { peer, room } = joined(ctx);
    room.setPasscode(peer, data.passcode);
    return {};
  },

  setRecording(ctx, data) {
    const { peer, room } = joined(ctx);
    setRecording(room, peer, data.recording);
    return {};
  },

  hostAllowRecording(ctx, data) {
    const { peer, room } = joined(ctx);
    allowRecording(room, peer, data.allowed);
    return {};
  },
};
