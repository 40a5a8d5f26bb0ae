import { EventEmitter } from 'eventemitter3';
import type { NotificationData } from '../../../shared/protocol';
import type { ConferenceEvents } from './events';
import type { SignalingClient } from './SignalingClient';

/**
 * The requests that only ask the host to act and change nothing on this side until the host
 * announces it: reactions and the host controls. Conference builds on this.
 */
export class MeetingControls extends EventEmitter<ConferenceEvents> {
  readonly #signaling: SignalingClient;

  constructor(signaling: SignalingClient) {
    super();
    this.#signaling = signaling;
  }

  async sendReaction(reaction: NotificationData<'reaction'>['reaction']): Promise<void> {
    await this.#signaling.request('sendReaction', { reaction });
  }
  async muteParticipant(peerId: string): Promise<void> {
    await this.#signaling.request('hostMutePeer', { peerId });
  }
  async removeParticipant(peerId: string): Promise<void> {
    await this.#signaling.request('hostRemovePeer', { peerId });
  }
  /** Host only: let the other participants record the meeting (or not). */
  async allowRecording(allowed: boolean): Promise<void> {
    await this.#signaling.request('hostAllowRecording', { allowed });
  }
  async setLocked(locked: boolean): Promise<void> {
    await this.#signaling.request('hostLockRoom', { locked });
  }
  async setPasscode(passcode: string | null): Promise<void> {
    await this.#signaling.request('hostSetPasscode', { passcode });
  }
}
