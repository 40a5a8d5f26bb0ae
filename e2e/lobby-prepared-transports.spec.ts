import { expect } from '@playwright/test';
import { expectLiveVideo, inboundStats, joinAs, test, tileOf } from './support';

/**
 * Issue 10 (join latency): the lobby of a meeting that is already open connects its media
 * transports before Join, so the join itself needs no ICE or DTLS handshake for the first frame.
 */
test('a guest whose lobby prepared the transports joins on them and sees and hears the host', async ({ browser }) => {
  const alice = await joinAs(browser, 'prepared-lobby', 'Alice');

  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const bob = await context.newPage();
  const sentAfterJoin: string[] = [];
  let joined = false;
  bob.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      const request = typeof payload === 'string' ? /^42\d*\["([^"]+)"/.exec(payload) : null;
      if (request && (joined || request[1] === 'join')) {
        joined = true;
        sentAfterJoin.push(request[1]!);
      }
    }),
  );
  await bob.goto('/?room=prepared-lobby&name=Bob');
  // The lobby says when the meeting's transports are connected.
  await expect(bob.locator('form.join-form[data-ready-room="prepared-lobby"]')).toBeAttached({ timeout: 10_000 });
  await bob.getByRole('button', { name: 'Join' }).click();

  await expectLiveVideo(bob, 'Alice');
  await expectLiveVideo(alice, 'Bob');
  await expect.poll(async () => (await inboundStats(bob)).audioPackets, { message: "Alice's audio at Bob" }).toBeGreaterThan(0);
  // The host held Alice's streams until Bob said he took them; the receive side sent no DTLS parameters after the join.
  expect(sentAfterJoin.slice(0, 2)).toEqual(['join', 'consumersTaken']);
  expect(sentAfterJoin.filter((name) => name === 'connectTransport')).toHaveLength(1); // the send side's, for his own camera
  await expect(tileOf(alice, 'Bob')).toBeVisible();
  await context.close();
});
