/**
 * End-to-end encryption of media frames, as the SDK sees it (implemented by ../e2ee/E2eeSession):
 * every sender and receiver gets an encoded transform the moment mediasoup-client creates it,
 * before the first frame, so nothing leaves this client unencrypted.
 */
export interface MediaEncryption {
  /** RTCPeerConnection settings both transports need (the legacy encoded streams are asked for there). */
  readonly peerConnectionSettings: Record<string, unknown>;
  /** Our participant id in the session being set up: sender keys are bound to it. */
  setLocalParticipant(participantId: string): void;
  encryptSender(sender: RTCRtpSender, kind: 'audio' | 'video'): void;
  decryptReceiver(receiver: RTCRtpReceiver, kind: 'audio' | 'video', participantId: string): void;
}
