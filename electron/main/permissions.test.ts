import { describe, expect, it, vi } from 'vitest';
import { TrustedOrigins } from './origins';
import { installPermissionHandlers, isPermissionAllowed } from './permissions';

function origins() {
  const trusted = new TrustedOrigins('app://roundtable/index.html');
  trusted.addMeetingHost('https://10.0.0.5:4443/?room=a');
  return trusted;
}

describe('permission decisions', () => {
  it.each([
    ['media', 'app://roundtable/index.html', true],
    ['display-capture', 'app://roundtable/index.html', true],
    ['media', 'https://10.0.0.5:4443/?room=a', true],
    ['display-capture', 'https://10.0.0.5:4443/', true],
    ['media', 'https://10.0.0.5:4444/', false],
    ['media', 'http://10.0.0.5:4443/', false],
    ['media', 'https://evil.example/', false],
    ['display-capture', 'file:///tmp/x.html', false],
    ['clipboard-sanitized-write', 'app://roundtable/index.html', true],
    ['clipboard-sanitized-write', 'https://10.0.0.5:4443/', false],
    ['geolocation', 'app://roundtable/index.html', false],
    ['notifications', 'app://roundtable/index.html', false],
    ['openExternal', 'app://roundtable/index.html', false],
  ])('%s for %s → %s', (permission, url, expected) => {
    expect(isPermissionAllowed(origins(), permission, url, true)).toBe(expected);
  });

  it('never grants to iframes or to an unknown requester', () => {
    expect(isPermissionAllowed(origins(), 'media', 'app://roundtable/index.html', false)).toBe(false);
    expect(isPermissionAllowed(origins(), 'media', undefined, true)).toBe(false);
  });

  it('follows the meeting host: once it is removed, its camera access goes too', () => {
    const trusted = origins();
    trusted.removeMeetingHost('https://10.0.0.5:4443');
    expect(isPermissionAllowed(trusted, 'media', 'https://10.0.0.5:4443/', true)).toBe(false);
  });
});

describe('installPermissionHandlers', () => {
  it('answers requests and checks through the same rule', () => {
    let request: ((...args: unknown[]) => void) | undefined;
    let check: ((...args: unknown[]) => boolean) | undefined;
    installPermissionHandlers(
      { setPermissionRequestHandler: (h: never) => (request = h), setPermissionCheckHandler: (h: never) => (check = h) },
      origins(),
    );
    const callback = vi.fn();
    request!({}, 'media', callback, { requestingUrl: 'https://evil.example/', isMainFrame: true, mediaTypes: ['video'] });
    request!({}, 'media', callback, { requestingUrl: 'app://roundtable/index.html', isMainFrame: true, mediaTypes: ['video'] });
    expect(callback.mock.calls).toEqual([[false], [true]]);
    // Checks may carry only the origin.
    expect(check!(null, 'media', 'app://roundtable', { isMainFrame: true })).toBe(true);
    expect(check!(null, 'media', 'https://evil.example', { isMainFrame: true })).toBe(false);
  });
});
