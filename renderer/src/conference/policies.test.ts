import { describe, expect, it } from 'vitest';
import { layerForHeight } from './AdaptiveVideo';
import { BackoffReconnectPolicy } from './ReconnectPolicy';
import { ConferenceError } from './errors';

describe('adaptive receive layer choice', () => {
  it.each([
    [0, 1, 0],
    [120, 1, 0],
    [225, 1, 0],
    [226, 1, 1],
    [360, 1, 1],
    [450, 1, 1],
    [451, 1, 2],
    [1080, 1, 2],
    [200, 2, 1], // a small tile on a HiDPI screen needs more pixels
  ])('a %i px tall video at DPR %i asks for layer %i', (height, dpr, layer) => {
    expect(layerForHeight(height, dpr)).toBe(layer);
  });
});

describe('reconnect backoff', () => {
  it('grows exponentially with jitter, is capped, and gives up after the deadline', () => {
    const policy = new BackoffReconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, maxElapsedMs: 10_000 });
    const first = policy.nextRetryDelayMs({ attempt: 0, elapsedMs: 0 })!;
    expect(first).toBeGreaterThanOrEqual(80);
    expect(first).toBeLessThanOrEqual(120);
    expect(policy.nextRetryDelayMs({ attempt: 3, elapsedMs: 0 })!).toBeGreaterThanOrEqual(640);
    expect(policy.nextRetryDelayMs({ attempt: 20, elapsedMs: 0 })!).toBeLessThanOrEqual(1_200);
    expect(policy.nextRetryDelayMs({ attempt: 5, elapsedMs: 10_001 })).toBeNull();
  });
});

describe('media errors', () => {
  it('maps getUserMedia failures to codes the UI can explain', () => {
    expect(ConferenceError.fromMediaError(new DOMException('x', 'NotAllowedError')).code).toBe('media_permission_denied');
    expect(ConferenceError.fromMediaError(new DOMException('x', 'NotFoundError')).code).toBe('no_device');
    const inUse = ConferenceError.fromMediaError(new DOMException('x', 'NotReadableError'));
    expect(inUse).toMatchObject({ name: 'MediaDeviceError', code: 'device_in_use', reason: 'device_in_use' });
    expect(ConferenceError.fromMediaError(new DOMException('x', 'NotAllowedError')).reason).toBe('permission_denied');
    expect(ConferenceError.fromMediaError(new DOMException('x', 'OverconstrainedError')).reason).toBe('overconstrained');
    expect(ConferenceError.fromMediaError(new Error('odd'))).toMatchObject({ code: 'media_failed', reason: 'other' });
  });
});
