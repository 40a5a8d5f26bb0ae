import type { ChatMessage } from '../../../shared/protocol';

/** Chat kept for late joiners: at most `maxMessages`, and at most `maxBytes` of text (and ciphertext), oldest dropped first. */
export class ChatHistory {
  readonly #messages: ChatMessage[] = [];
  #bytes = 0;

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
  ) {}

  add(message: ChatMessage): void {
    this.#messages.push(message);
    this.#bytes += sizeOf(message);
    while (this.#messages.length > this.maxMessages || this.#bytes > this.maxBytes) {
      this.#bytes -= sizeOf(this.#messages.shift()!);
    }
  }

  get messages(): readonly ChatMessage[] {
    return this.#messages;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

function sizeOf(message: ChatMessage): number {
  return Buffer.byteLength(message.text) + Buffer.byteLength(message.ciphertext ?? '') + Buffer.byteLength(message.displayName) + 64;
}
