import { expect } from '@playwright/test';
import { expectLiveVideo, inboundStats, joinAs, tileOf, test } from './support';

test('two people meet: each sees and hears the other; leaving removes the tile', async ({ browser }) => {
  const alice = await joinAs(browser, 'skeleton', 'Alice');
  const bob = await joinAs(browser, 'skeleton', 'Bob');

  await expect(tileOf(alice, 'Bob')).toBeVisible();
  await expect(tileOf(bob, 'Alice')).toBeVisible();
  await expectLiveVideo(alice, 'Bob');
  await expectLiveVideo(bob, 'Alice');

  for (const page of [alice, bob]) {
    await expect.poll(async () => (await inboundStats(page)).framesDecoded, { message: 'inbound video decoded' }).toBeGreaterThan(0);
    await expect.poll(async () => (await inboundStats(page)).audioPackets, { message: 'inbound audio packets' }).toBeGreaterThan(0);
  }

  await bob.getByRole('button', { name: 'Leave' }).click();
  await expect(tileOf(alice, 'Bob')).toHaveCount(0, { timeout: 2_000 });
  await expect(bob.getByRole('button', { name: 'Join' })).toBeVisible();
});
