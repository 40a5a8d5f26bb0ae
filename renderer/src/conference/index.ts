export { Conference, type ConferenceEvents, type ConferenceOptions, type ConnectionState, type JoinParams, type StreamEvent } from './Conference';
export {
  ConferenceError,
  ConnectionError,
  MediaDeviceError,
  StreamError,
  type ConferenceErrorCode,
  type ConnectionErrorReason,
  type MediaDeviceFailure,
} from './errors';
export { LocalStream } from './LocalStream';
export { RemoteParticipant, type RemoteProducer, type RemoteStream } from './RemoteParticipant';
export { BackoffReconnectPolicy, type ReconnectPolicy } from './ReconnectPolicy';
export { adaptVideo, layerForHeight, type AdaptiveTarget } from './AdaptiveVideo';
export type { MediaRequest } from './Publisher';
export type { NetworkRepair } from './NetworkWatcher';
export { WaitingRoomControls, type WaitingRoomEvents } from './WaitingRoomControls';
export { FileTransfers, formatBytes, type FileTransfer, type FileTransferState } from './FileTransfers';
export { PrivateMessages, type PrivateChatEntry } from './PrivateMessages';
