import type { PrivateMessage } from '../../../shared/fileTransfer';
import type { NotificationData, NotificationName, PeerInfo } from '../../../shared/protocol';
import type { Peer } from '../Peer';
import type { RemoteRecipients } from '../room/RemoteRecipients';
import type { SpanJoin } from './SpanAdmission';

/** What a Room asks of its span (Room.span), when the meeting spans nodes of a cluster. */
export interface RoomSpanHooks {
  /** Before admission: a node that is not the meeting's home asks the home whether it may take this join (answers how the home admitted it, if it did). */
  admit(join: SpanJoin): Promise<'open' | 'letIn' | undefined>;
  /** Participants served by the other nodes, for the roster. */
  remoteInfos(): PeerInfo[];
  /** A room broadcast here: the other nodes' participants get it too. */
  relay<N extends NotificationName>(name: N, data: NotificationData<N>, exceptPeerId?: string): void;
  /** Whether another node serves this participant. */
  holds(peerId: string): boolean;
  /** A host control (already checked here) for a participant another node serves. */
  command(action: 'mute' | 'remove', host: Peer, peerId: string): void;
  /** A participant another node serves, as listed here. */
  remoteInfo(peerId: string): PeerInfo | undefined;
  /** Hands a private message to the node that serves its recipient; rejects `not_found` when that node does not. */
  sendPrivate(message: PrivateMessage): Promise<void>;
  /** File recipients served by the other nodes (FileRelay). */
  readonly files: RemoteRecipients;
}
