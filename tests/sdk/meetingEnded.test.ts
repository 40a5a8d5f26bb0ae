import { expect, it } from 'vitest';
import { Conference } from '../../renderer/src/conference';
import { ConnectionError } from '../../renderer/src/conference/errors';
import { installWrtcGlobals } from '../support/wrtc';
import { startTestHost } from '../support/testHost';

installWrtcGlobals();

/** Issue 10, item 8: a room that closes tells its participants, who end (not reconnect). */
it('ends the meeting for every participant when the host stops, without reconnecting', async () => {
  const host = await startTestHost();
  const conference = new Conference({ url: host.baseUrl, handlerName: 'Chrome111' });
  const states: string[] = [];
  conference.on('connectionStateChanged', (change) => states.push(change.state));
  await conference.join({ roomId: 'ending', displayName: 'Guest' });
  const ended = new Promise<unknown>((resolve) =>
    conference.on('connectionStateChanged', (change) => change.state === 'disconnected' && resolve(change.error)),
  );
  await host.stop();
  const error = await ended;
  expect(error).toBeInstanceOf(ConnectionError);
  expect(error).toMatchObject({ reason: 'ended', code: 'not_found', message: expect.stringMatching(/stopped hosting/) });
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(states).not.toContain('reconnecting');
  expect(conference.state).toBe('disconnected');
});
