import type { MediaSource } from '../../../shared/protocol';
import type { ReceivedChatMessage } from './ChatEncryption';
import type { ConnectionState } from './ConnectionStateMachine';
import type { ConferenceError, StreamError } from './errors';
import type { LocalStream } from './LocalStream';
import type { NetworkRepair } from './NetworkWatcher';
import type { RemoteParticipant } from './RemoteParticipant';

export interface StreamEvent {
  participantId: string;
  consumerId: string;
  source: MediaSource;
  kind: 'audio' | 'video';
  stream: MediaStream;
}

/** Everything a Conference announces. Each listener gets typed arguments. */
export type ConferenceEvents = {
  participantJoined: [participant: RemoteParticipant];
  participantLeft: [participant: RemoteParticipant];
  /** Name, host role, hand, mute or camera state changed. */
  participantUpdated: [participant: RemoteParticipant];
  streamAdded: [event: StreamEvent];
  streamRemoved: [event: Omit<StreamEvent, 'stream' | 'kind'>];
  /** A remote stream could not be set up here after every offer of it (see StreamError.reason); it was closed on the host. */
  streamFailed: [event: { participantId: string; consumerId: string; source: MediaSource; error: StreamError }];
  /** A local track started sending (camera, mic or screen). */
  localStreamAdded: [stream: LocalStream];
  localStreamEnded: [stream: LocalStream];
  /** The local participant's own state changed (host role, muted by the host). */
  localUpdated: [];
  activeSpeaker: [event: { participantId: string | null }];
  chatMessage: [message: ReceivedChatMessage & { local: boolean }];
  handRaised: [event: { participantId: string; raised: boolean }];
  reaction: [event: { participantId: string; reaction: string }];
  roomLocked: [locked: boolean];
  recordingChanged: [event: { participantId: string; recording: boolean }];
  recordingAllowed: [allowed: boolean];
  mutedByHost: [event: { byParticipantId: string }];
  consumerLayersChanged: [event: { consumerId: string; spatialLayer: number | null; temporalLayer: number | null }];
  connectionStateChanged: [event: { state: ConnectionState; reason?: string; error?: ConferenceError }];
  /** The SDK noticed a network problem and repairs it: ICE restart, resume on a new connection, or a rejoin (diagnostics). */
  networkRepair: [event: { action: NetworkRepair; reason: string }];
};

/** The Conference's typed `emit`, handed to the parts so they announce changes themselves. */
export type Emit = <K extends keyof ConferenceEvents>(event: K, ...args: ConferenceEvents[K]) => void;
