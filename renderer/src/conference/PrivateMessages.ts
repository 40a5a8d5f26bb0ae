import { EventEmitter } from 'eventemitter3';
import type { PrivateMessage } from '../../../shared/fileTransfer';
import { asSent, InOrder, openChat, sealChat, type ChatEntryCrypto } from './ChatEncryption';
import type { MediaEncryption } from './MediaEncryption';
import type { SignalingClient } from './SignalingClient';

export type { PrivateMessage } from '../../../shared/fileTransfer';
export type PrivateChatEntry = Omit<PrivateMessage, 'ciphertext'> & ChatEntryCrypto & { local: boolean };

/** Kept for this meeting's chat view; the host keeps none. */
const MAX_KEPT = 500;

/**
 * Chat messages to one participant: relayed by the host to that participant only and never kept
 * in the room's history, so only the two of them ever see it (and only while they are in the meeting).
 */
export class PrivateMessages extends EventEmitter<{ message: [message: PrivateChatEntry] }> {
  readonly #signaling: SignalingClient;
  readonly #messages: PrivateChatEntry[] = [];
  readonly #crypto: { encryption(): MediaEncryption | undefined; localId(): string };
  readonly #inOrder = new InOrder();

  /** `crypto`: the meeting's end-to-end encryption (when on, text goes sealed) and our participant id. */
  constructor(signaling: SignalingClient, crypto: { encryption(): MediaEncryption | undefined; localId(): string } = { encryption: () => undefined, localId: () => '' }) {
    super();
    this.#signaling = signaling;
    this.#crypto = crypto;
    signaling.socket.on('privateMessage', (message) =>
      this.#inOrder.run(
        () => openChat(this.#crypto.encryption(), message),
        (opened) => this.#add({ ...opened, local: false }),
      ),
    );
  }

  /** Sent and received private messages, oldest first. */
  get list(): readonly PrivateChatEntry[] {
    return this.#messages;
  }

  async send(toPeerId: string, text: string): Promise<PrivateChatEntry> {
    const sealed = await sealChat(this.#crypto.encryption(), text, { from: this.#crypto.localId(), to: toPeerId });
    const { message } = await this.#signaling.request('sendPrivateChat', { toPeerId, ...sealed });
    const entry = { ...asSent(message, text), local: true };
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
