import type { Device } from 'mediasoup-client';
import type { Attempt } from './ConnectionStateMachine';
import type { JoinAnswer } from './JoinHandshake';
import type { MediaEncryption } from './MediaEncryption';
import { MediaTransports } from './MediaTransports';
import type { SignalingClient } from './SignalingClient';

/** One joined session: which join run made it, the participant id it got, its two transports. */
export interface Session {
  attempt: Attempt;
  peerId: string;
  transports: MediaTransports;
}

/**
 * The transports the join answer gave this session: the lobby's prepared ones when the host took
 * them over (`prepared`, already connected), else new ones. Either way their loss is `onLost`'s.
 */
export function sessionTransports(
  device: Device,
  signaling: SignalingClient,
  answer: JoinAnswer,
  options: { prepared?: MediaTransports; tcpOnly: boolean; media?: MediaEncryption; onLost: (reason: string) => void },
): MediaTransports {
  const { onLost } = options;
  const transports =
    options.prepared ??
    new MediaTransports(device, signaling, {
      send: answer.sendTransport,
      recv: answer.recvTransport,
      iceServers: answer.iceServers,
      onLost,
      tcpOnly: options.tcpOnly,
      encryption: { media: options.media, localParticipantId: answer.peerId },
    });
  transports.onLost = onLost;
  return transports;
}

/** Settles when a join run has its session (or failed): notifications that arrive earlier wait on it. Never an unhandled rejection. */
export function sessionReadiness(): { promise: Promise<void>; markReady: () => void; markFailed: (error: unknown) => void } {
  let markReady!: () => void;
  let markFailed!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  promise.catch(() => undefined);
  return { promise, markReady, markFailed };
}
