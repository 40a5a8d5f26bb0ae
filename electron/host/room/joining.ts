import type { types } from 'mediasoup';
import type { Peer, PeerChannel } from '../Peer';
import type { PreparedTransports } from './PreparedTransports';

/** What a connection asks to join a room with (Room.join). */
export interface JoinOptions {
  displayName: string;
  channel: PeerChannel;
  rtpCapabilities: types.RtpCapabilities;
  passcode?: string;
  resumeToken?: string;
  /** Proved the owner key or the admin token: host of the room, enters whatever the lock. */
  asOwner?: boolean;
  /** This connection's lobby transports: taken over if still usable here, else released. */
  prepared?: PreparedTransports;
  /** Aborted when the joining connection closes: the join gives its seat back at once, and stops. */
  departed?: AbortSignal;
}

export interface JoinResult {
  peer: Peer;
  isHost: boolean;
  resumeToken: string;
  /** The participant got the lobby's prepared (connected) transports. */
  adoptedPrepared: boolean;
}
