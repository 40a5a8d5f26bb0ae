import { expect, test } from '@playwright/test';
import { labAvailability } from './availability';
import { addDecoyInterfaces } from './decoyInterfaces';
import { HOST_ADDRESS, Lab, listLabNamespaces } from './Lab';
import { LabHost } from './labHost';
import { LabMeeting } from './LabMeeting';
import {
  addressChange,
  downlinkCap,
  downlinkLoss,
  linkDownFor,
  udpBlockedFromStart,
  udpBlockedMidCall,
  type ScenarioResult,
} from './scenarios';

/**
 * Issue 11: the app on real network paths (namespaces, a bridge, the real host over HTTPS, Chromium
 * participants) and what real networks do to it. Each test prints its figures as one JSON line.
 */
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const availability = await labAvailability();
  if (!availability.ok) console.log(`network lab skipped: ${availability.reason}`);
  test.skip(!availability.ok, availability.ok ? '' : availability.reason);
});

function report(result: ScenarioResult): ScenarioResult {
  console.log(JSON.stringify({ fault: result.fault, ...result.summary }));
  test.info().annotations.push({ type: 'figures', description: JSON.stringify(result) });
  return result;
}

test('8. the host announces its LAN address, not a Docker bridge, another bridge or a VPN that holds the default route', async () => {
  const lab = await Lab.create({ participants: 0 });
  let host: LabHost | undefined;
  try {
    const holder = await addDecoyInterfaces(lab.host);
    try {
      host = await LabHost.start(lab.host);
      expect(new URL(host.baseUrl).hostname).toBe(HOST_ADDRESS);
    } finally {
      holder.kill('SIGKILL');
    }
  } finally {
    await host?.stop();
    lab.destroy();
  }
  expect(listLabNamespaces().filter((name) => name.startsWith(lab.id))).toEqual([]);
});

test.describe('three participants on the lab LAN', () => {
  let meeting: LabMeeting | undefined;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    meeting = await LabMeeting.start({ participants: 3 });
  });
  test.afterAll(async () => {
    await meeting?.close();
  });
  test.afterEach(async () => {
    await meeting?.leaveAll();
  });

  test('UDP blocked from the start: the call works over ICE-TCP', async () => {
    const result = report(await udpBlockedFromStart(meeting!));
    expect(result.summary.mediaBackMs, 'media both ways over TCP').not.toBeNull();
  });

  test('1. link down 10 s: media back on every page within 2 s of the link returning; shown as reconnecting, not gone', async () => {
    const result = report(await linkDownFor(meeting!, 'participant', 10));
    expect(result.summary.mediaBackMs, 'media back (ms after the link returned)').not.toBeNull();
    expect(result.summary.mediaBackMs as number).toBeLessThanOrEqual(2_000);
    expect(result.summary.faultedSawReconnecting, '"Reconnecting…" shown to the participant').toBe(true);
    expect(result.summary.othersSawFaultedGone, 'the others kept the tile (reconnecting, not gone)').toBe(false);
  });

  test('2. address change mid-call: media back within 3 s', async () => {
    const result = report(await addressChange(meeting!));
    expect(result.summary.mediaBackMs, 'media back (ms after the change)').not.toBeNull();
    expect(result.summary.mediaBackMs as number).toBeLessThanOrEqual(3_000);
  });

  test('3. UDP blocked mid-call: media back within 5 s over ICE-TCP', async () => {
    const result = report(await udpBlockedMidCall(meeting!));
    expect(result.summary.mediaBackMs, 'media back (ms after the block)').not.toBeNull();
    expect(result.summary.mediaBackMs as number).toBeLessThanOrEqual(5_000);
  });

  test('4. 5 % downlink loss for 30 s: video keeps playing (freezes ≤ 1 s in total), audio concealment ≤ 3 %', async () => {
    const result = report(await downlinkLoss(meeting!, 5, 30));
    expect(result.summary.freezeTotalMs as number).toBeLessThanOrEqual(1_000);
    expect(result.summary.audioConcealment, 'audio was received').not.toBeNull();
    expect(result.summary.audioConcealment as number).toBeLessThanOrEqual(0.03);
  });

  test('5. 500 kbit/s downlink cap, four 720p simulcast senders: lower layers within 3 s, no freeze > 1 s, back up within 10 s', async () => {
    test.setTimeout(180_000);
    const result = report(await downlinkCap(meeting!, 500, 15));
    expect(result.summary.dropMs, 'layers went down under the cap').not.toBeNull();
    expect(result.summary.dropMs as number).toBeLessThanOrEqual(3_000);
    expect(result.summary.longestFreezeMs as number).toBeLessThanOrEqual(1_000);
    expect(result.summary.backUpMs, 'layers came back up after the cap').not.toBeNull();
    expect(result.summary.backUpMs as number).toBeLessThanOrEqual(10_000);
  });

  test("7. the host's link down 10 s: every participant has media back within 3 s of it returning", async () => {
    const result = report(await linkDownFor(meeting!, 'host', 10));
    expect(result.summary.mediaBackMs, 'media back (ms after the link returned)').not.toBeNull();
    expect(result.summary.mediaBackMs as number).toBeLessThanOrEqual(3_000);
  });
});
