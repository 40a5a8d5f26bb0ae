/**
 * Every participant's audio mixed into one track (WebAudio). The set of tracks follows the
 * meeting: `setTracks` connects new ones and disconnects those that left or were muted.
 */
export class AudioMix {
  readonly #context = new AudioContext();
  readonly #destination = this.#context.createMediaStreamDestination();
  readonly #sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();

  constructor() {
    // A page without a user gesture may start the context suspended.
    void this.#context.resume().catch(() => undefined);
  }

  get track(): MediaStreamTrack {
    return this.#destination.stream.getAudioTracks()[0]!;
  }

  setTracks(tracks: MediaStreamTrack[]): void {
    const wanted = new Set(tracks.filter((t) => t.readyState === 'live'));
    for (const [track, node] of this.#sources) {
      if (wanted.has(track)) continue;
      node.disconnect();
      this.#sources.delete(track);
    }
    for (const track of wanted) {
      if (this.#sources.has(track)) continue;
      const node = this.#context.createMediaStreamSource(new MediaStream([track]));
      node.connect(this.#destination);
      this.#sources.set(track, node);
    }
  }

  close(): void {
    for (const node of this.#sources.values()) node.disconnect();
    this.#sources.clear();
    this.track.stop();
    void this.#context.close().catch(() => undefined);
  }
}
