/** The wrtc load stack (bench/lib/loadStack.ts): Chromium's native WebRTC, real codecs. */
import { installWrtcGlobals } from '../../tests/support/wrtc';
import { watchFirstMedia } from './firstMedia';
import type { LoadStack } from './loadStack';
import { benchMedia } from './media';
import { traceMids } from './midTrace';

export function wrtcStack(): LoadStack {
  installWrtcGlobals();
  traceMids();
  return {
    name: 'wrtc',
    watch(conference) {
      // Once a second, not five times: a getStats of a connection with ~60 media sections was a third
      // of a load process's time at 200 ms (CPU profile, 30 participants).
      const watch = watchFirstMedia(conference, 1_000);
      return { add: (event, onFirst) => watch.add(event.consumerId, event.kind, onFirst), stop: () => watch.stop() };
    },
    media({ camera, speaking }) {
      const media = benchMedia({ width: camera ? 160 : 0, height: camera ? 120 : 0, fps: 10, audio: true, noise: 0.2, silent: !speaking });
      return { mic: () => media.audio!.clone(), camera: media.video ? () => media.video!.clone() : undefined, stop: () => media.stop() };
    },
  };
}
