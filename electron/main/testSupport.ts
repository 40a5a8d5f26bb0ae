import type { SenderEvent } from './ipc';

/** An invoke event as Electron would build it, from a frame at `url`. */
export function eventFrom(url: string, options: { iframe?: boolean; destroyed?: boolean } = {}): SenderEvent {
  return {
    sender: { id: 1 },
    senderFrame: options.destroyed ? null : { url, parent: options.iframe ? { url: 'app://roundtable/index.html' } : null },
  };
}

export const appEvent = (): SenderEvent => eventFrom('app://roundtable/index.html');
