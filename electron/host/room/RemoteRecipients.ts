import type { types } from 'mediasoup';
import type { FileOffer, TransferEndReason } from '../../../shared/fileTransfer';
import type { Peer } from '../Peer';
import type { FileRelay } from './FileRelay';

/** What a recipient on another node did (its node tells the sender's). */
export type RemoteRecipientEvent = { kind: 'ack'; received: number } | { kind: 'result'; outcome: 'received' | 'corrupted' } | { kind: 'cancel' } | { kind: 'left' };

/** Recipients of a file served by other nodes of the meeting, reached through theirs. */
export interface RemoteRecipients {
  /** The relay of this node's participants' transfers, told what remote recipients do. */
  bind(relay: Pick<FileRelay, 'remoteEvent'>): void;
  /** The other nodes' participants a file goes to: everyone's, or `toPeerId` if another node serves it. */
  ids(toPeerId?: string): string[];
  /** Has the recipient's node take the data and offer it; resolves once offered, with how to end it there. */
  start(offer: Omit<FileOffer, 'dataConsumer'>, producer: types.DataProducer, peerId: string): Promise<{ close(): void }>;
  notify(peerId: string, transferId: string, about: { sha256?: string; ended?: TransferEndReason }): void;
  /** A recipient here acts on a transfer another node relays: true when it was sent there. */
  forward(peer: Peer, transferId: string, event: RemoteRecipientEvent): boolean;
}
