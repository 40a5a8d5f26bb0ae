import type { OpenLink } from '../../shared/ipc';
import { parseMeetingLink, type MeetingLink } from './deeplink';

export interface LinkInboxOptions {
  /** The link checked out: remember it (trust waits for an explicit Join). */
  accept(link: MeetingLink): void;
  reject(raw: string): void;
  deliver(link: OpenLink): void;
}

/**
 * Links from the OS (first launch argv, second-instance argv, macOS open-url) arrive whenever
 * they like, often before the page has loaded: they wait here until the page subscribes.
 */
export class LinkInbox {
  readonly #options: LinkInboxOptions;
  #queue: OpenLink[] = [];
  #subscribed = false;

  constructor(options: LinkInboxOptions) {
    this.#options = options;
  }

  open(raw: string): void {
    const link = parseMeetingLink(raw);
    if (!link) return this.#options.reject(raw);
    this.#options.accept(link);
    const open = { url: link.url };
    if (this.#subscribed) this.#options.deliver(open);
    else this.#queue = [...this.#queue.slice(-4), open];
  }

  /** The page is listening: hand over what waited. */
  subscribe(): OpenLink[] {
    this.#subscribed = true;
    const waiting = this.#queue;
    this.#queue = [];
    return waiting;
  }

  /** The page is gone (reload, crash): queue again until the next page subscribes. */
  reset(): void {
    this.#subscribed = false;
  }
}
