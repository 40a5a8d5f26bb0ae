import { HostError } from './errors';
import type { Peer } from './Peer';
import type { Room } from './Room';

/**
 * Local recordings are made in a participant's own app; the host only keeps the room honest about
 * them: who may record, and everyone is told who is recording (the "Recording" indicator).
 */
export function setRecording(room: Room, peer: Peer, recording: boolean): void {
  if (recording && room.hostPeerId !== peer.id && !room.recordingAllowed) {
    throw new HostError('unauthorized', 'the host has not allowed participants to record');
  }
  if (peer.recording === recording) return;
  peer.recording = recording;
  room.broadcast('recordingChanged', { peerId: peer.id, recording }, peer.id);
}

/** Host only. Revoking does not stop recordings already running: they are the participants' own. */
export function allowRecording(room: Room, host: Peer, allowed: boolean): void {
  room.assertHost(host);
  room.recordingAllowed = allowed;
  room.broadcast('recordingAllowed', { allowed });
}
