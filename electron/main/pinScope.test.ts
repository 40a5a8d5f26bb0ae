import { describe, expect, it } from 'vitest';
import { isPinnableHost } from './pinScope';

describe('isPinnableHost: fingerprint pins only where no public CA can vouch', () => {
  it.each([
    '10.0.0.5',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.20',
    '127.0.0.1',
    '169.254.10.10',
    '100.64.0.1',
    '100.127.255.1',
    '::1',
    '[::1]',
    'fe80::1',
    '[FE80::1]',
    'fd12:3456::1',
    '::ffff:192.168.1.2',
    'localhost',
    'meeting-box',
    'meeting-box.local',
    'MEETING-BOX.LOCAL.',
    'printer.lan',
    'nas.home.arpa',
    'host.corp.internal',
  ])('%s is private: pinnable', (host) => expect(isPinnableHost(host)).toBe(true));

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '172.15.0.1',
    '192.169.1.1',
    '100.128.0.1',
    '11.0.0.1',
    '2001:db8::1',
    '2a00:1450::1',
    '::ffff:8.8.8.8',
    'meet.example.com',
    'example.local.evil.com',
    '10.0.0.5.nip.io',
    '',
  ])('%s is public: CA validation only', (host) => expect(isPinnableHost(host)).toBe(false));
});
