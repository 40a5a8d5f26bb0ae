import { EventEmitter } from 'eventemitter3';
import type { PrivateMessage } from '../../../shared/fileTransfer';
import type { SignalingClient } from './SignalingClient';

export type { PrivateMessage } from '../../../shared/fileTransfer';
export type PrivateChatEntry = PrivateMessage & { local: boolean };

/** Kept for this meeting's chat view; the host keeps none. */
const MAX_KEPT = 500;

/**
 * Chat messages to one participant: relayed by the host to that participant only and never kept
 * in the room's history, so only the two of them ever see it (and only while they are in the meeting).
 */
export class PrivateMessages extends EventEmitter<{ message: [message: PrivateChatEntry] }> {
  readonly #signaling: SignalingClient;
  readonly #messages: PrivateChatEntry[] = [];

  constructor(signaling: SignalingClient) {
    super();
    this.#signaling = signaling;
    signaling.socket.on('privateMessage', (message) => this.#add({ ...message, local: false }));
  }

  /** Sent and received private messages, oldest first. */
  get list(): readonly PrivateChatEntry[] {
    return this.#messages;
  }

  async send(toPeerId: string, text: string): Promise<PrivateChatEntry> {
    const { message } = await this.#signaling.request('sendPrivateChat', { toPeerId, text });
    const entry = { ...message, local: true };
    this.#add(entry);
    return entry;
  }

  /** Forgets them (leaving the meeting). */
  clear(): void {
    this.#messages.length = 0;
  }

  #add(entry: PrivateChatEntry): void {
    this.#messages.push(entry);
    if (this.#messages.length > MAX_KEPT) this.#messages.splice(0, this.#messages.length - MAX_KEPT);
    this.emit('message', entry);
  }
}
