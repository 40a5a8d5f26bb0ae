/**
 * A file whose reading stops at a given offset until released: what a sender sees when its disk
 * or a network share stalls mid-file (FileSender reads the file in slices as it sends).
 */
export class PausedFile extends Blob {
  readonly #pauseAt: number;
  readonly #resumed: Promise<void>;
  #resume!: () => void;
  #reachedPause!: () => void;
  /** Resolves once the sender tried to read past the pause. */
  readonly paused: Promise<void>;
  /** The sender tried to read past the pause. */
  reached = false;

  constructor(bytes: Uint8Array<ArrayBuffer>, pauseAt: number) {
    super([bytes]);
    this.#pauseAt = pauseAt;
    this.#resumed = new Promise((resolve) => (this.#resume = resolve));
    this.paused = new Promise((resolve) => (this.#reachedPause = resolve));
  }

  resume(): void {
    this.#resume();
  }

  override slice(start = 0, end?: number, contentType?: string): Blob {
    const part = super.slice(start, end, contentType);
    if (start < this.#pauseAt) return part;
    const gate = async () => {
      this.reached = true;
      this.#reachedPause();
      await this.#resumed;
    };
    // Only what FileSender uses of a slice.
    const paused = {
      size: part.size,
      type: part.type,
      arrayBuffer: async () => {
        await gate();
        return part.arrayBuffer();
      },
    };
    return paused as unknown as Blob;
  }
}
