import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import { useMeetingSession } from '../../renderer/src/hooks/useMeetingSession';
import type { Host } from '../../electron/host/Host';
import { installWrtcGlobals } from '../support/wrtc';
import { startTestHost, waitFor } from '../support/testHost';

installWrtcGlobals();
// A DOM for React to render into; the rest (socket.io, WebRTC, the host) stays Node's and real.
const dom = new JSDOM('<!doctype html><html><body></body></html>');
Object.assign(globalThis, { window: dom.window, document: dom.window.document, IS_REACT_ACT_ENVIRONMENT: true });
const { configure, renderHook, waitFor: waitForHook } = await import('@testing-library/react');
// StrictMode at the root, as renderer/src/main.tsx has it (a StrictMode wrapper deeper down does not double-mount here).
configure({ reactStrictMode: true });

/** Issue 10, item 10: React StrictMode mounts the meeting view twice; the host must see one join. */
describe('the meeting session under React StrictMode', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.stop();
  });

  it('joins once, stays joined, and leaves on the real unmount', async () => {
    const conference = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
    let joinRequests = 0;
    let connections = 0;
    conference.socket.onAnyOutgoing((event) => {
      if (event === 'join') joinRequests++;
    });
    conference.socket.on('connect', () => connections++);
    await conference.prepare(); // as the lobby does: connected and Device loaded before Join
    let joinedCalls = 0;
    const ended: unknown[] = [];
    const request = { roomId: 'strict', displayName: 'Strict' };
    const view = renderHook(
      () =>
        useMeetingSession(conference, request, {
          onJoined: () => joinedCalls++,
          onEnd: (notice) => ended.push(notice),
          report: () => undefined,
        }),
    );

    await waitForHook(() => expect(view.result.current.phase.kind).toBe('joined'), { timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 500)); // a second join would have been sent by now
    expect(joinRequests).toBe(1);
    expect(connections).toBe(1); // the warm connection was kept, not dropped and redone
    expect(joinedCalls).toBe(1);
    expect(ended).toEqual([]);
    expect(conference.state).toBe('connected');
    expect(host.rooms.get('strict')?.peers.size).toBe(1);

    view.unmount();
    await waitFor(() => conference.state === 'disconnected' && !host.rooms.get('strict')?.peers.size, 'leave after the real unmount');
  });
});
