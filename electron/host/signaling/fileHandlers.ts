import { limits } from '../../../shared/limits';
import { createLogger } from '../logger';
import type { ParsedRequest, ResponseData } from '../../../shared/protocol';
import type { fileRequests } from '../../../shared/fileTransfer';
import type { Room } from '../Room';
import { FileRelay } from '../room/FileRelay';
import { sendPrivateMessage } from '../room/PrivateMessages';
import type { HandlerContext } from './handlers';
import { joined } from './joined';

type FileRequestName = keyof typeof fileRequests;
type Handler<N extends FileRequestName> = (ctx: HandlerContext, data: ParsedRequest<N>) => Promise<ResponseData<N>> | ResponseData<N>;

const relays = new WeakMap<Room, FileRelay>();

/** The room's file relay, created on first use and closed with the room. */
function relayOf(ctx: HandlerContext, room: Room): FileRelay {
  let relay = relays.get(room);
  if (!relay) {
    const media = room.media;
    relay = new FileRelay(
      { peers: room.peers, get routers() { return media.routers; }, remote: room.span?.files },
      { maxFileBytes: ctx.maxFileBytes ?? limits.defaultMaxFileBytes, logger: (ctx.logger ?? createLogger('silent')).child({ roomId: room.id }) },
    );
    relays.set(room, relay);
    const created = relay;
    room.once('close', () => created.close());
  }
  return relay;
}

/** File transfer and private messages: each checks the caller is in a meeting, the relay checks the rest. */
export const fileHandlers: { [N in FileRequestName]: Handler<N> } = {
  async offerFile(ctx, data) {
    const { peer, room } = joined(ctx);
    await ctx.actionLimits.consume('fileOffer', ctx.session.id);
    return relayOf(ctx, room).offer(peer, data);
  },

  produceFileData(ctx, data) {
    const { peer, room } = joined(ctx);
    return relayOf(ctx, room).produce(peer, data);
  },

  fileAck(ctx, data) {
    const { peer, room } = joined(ctx);
    relayOf(ctx, room).ack(peer, data.transferId, data.received);
    return {};
  },

  fileSent(ctx, data) {
    const { peer, room } = joined(ctx);
    relayOf(ctx, room).sent(peer, data.transferId, data.sha256);
    return {};
  },

  fileResult(ctx, data) {
    const { peer, room } = joined(ctx);
    relayOf(ctx, room).result(peer, data.transferId, data.outcome);
    return {};
  },

  cancelFile(ctx, data) {
    const { peer, room } = joined(ctx);
    relayOf(ctx, room).cancel(peer, data.transferId);
    return {};
  },

  fileDrained(ctx, data) {
    const { peer, room } = joined(ctx);
    relayOf(ctx, room).drained(peer, data.transferId);
    return {};
  },

  async sendPrivateChat(ctx, data) {
    const { peer, room } = joined(ctx);
    await ctx.actionLimits.consume('chat', ctx.session.id);
    return { message: await sendPrivateMessage(room, peer, data.toPeerId, data.text, data.ciphertext) };
  },
};
