import type { Socket } from 'socket.io';
import type { Ack, ClientToServerEvents, NewConsumer, NotificationData, NotificationName, ServerToClientEvents } from '../../../shared/protocol';
import type { Peer, PeerChannel } from '../Peer';
import type { Room } from '../Room';

export type RoundtableSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const NEW_CONSUMER_ACK_TIMEOUT_MS = 10_000;

/** One signaling connection. Before `join` it has no peer; after a worker loss it drops back to that state. */
export class Session implements PeerChannel {
  readonly socket: RoundtableSocket;
  readonly address: string;
  peer?: Peer;
  room?: Room;
  joining = false;
  readonly reactionTimes: number[] = [];

  constructor(socket: RoundtableSocket) {
    this.socket = socket;
    this.address = socket.handshake.address;
  }

  attach(room: Room, peer: Peer): void {
    this.room = room;
    this.peer = peer;
    peer.once('close', () => {
      if (this.peer === peer) {
        this.peer = undefined;
        this.room = undefined;
      }
    });
  }

  notify<N extends NotificationName>(name: N, data: NotificationData<N>): void {
    (this.socket.emit as (event: string, payload: unknown) => boolean)(name, data);
  }

  disconnect(): void {
    this.socket.disconnect(true);
  }

  async requestNewConsumer(data: NewConsumer): Promise<void> {
    const result = (await this.socket.timeout(NEW_CONSUMER_ACK_TIMEOUT_MS).emitWithAck('newConsumer', data)) as Ack<object>;
    if (!result || result.ok !== true) throw new Error(`client refused consumer: ${result && !result.ok ? result.error.message : 'bad ack'}`);
  }
}
