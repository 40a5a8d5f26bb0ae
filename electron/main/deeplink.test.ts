import { describe, expect, it, vi } from 'vitest';
import { findLinkInArgv, parseMeetingLink } from './deeplink';
import { LinkInbox } from './links';

const fp = '0123456789abcdef'.repeat(4);

describe('parseMeetingLink', () => {
  it('reads roundtable://host:port/room?fp=… as the https join link', () => {
    expect(parseMeetingLink(`roundtable://10.0.0.5:4443/standup?fp=${fp}`)).toEqual({
      hostUrl: 'https://10.0.0.5:4443',
      hostname: '10.0.0.5',
      roomId: 'standup',
      fingerprint: fp,
      url: `https://10.0.0.5:4443/?room=standup&fp=${fp}`,
    });
  });

  it('reads the https join link Host.joinUrl() produces', () => {
    const link = parseMeetingLink(`https://10.0.0.5:4443/?room=design-review&fp=${fp}`);
    expect(link).toMatchObject({ hostUrl: 'https://10.0.0.5:4443', roomId: 'design-review', fingerprint: fp });
    expect(link?.url).toBe(`https://10.0.0.5:4443/?room=design-review&fp=${fp}`);
  });

  it('accepts a trailing slash, a ?room= form, host names, IPv6 and links without fp', () => {
    expect(parseMeetingLink(`roundtable://10.0.0.5:4443/standup/?fp=${fp}`)?.roomId).toBe('standup');
    expect(parseMeetingLink(`roundtable://10.0.0.5:4443/?room=standup`)?.fingerprint).toBeUndefined();
    expect(parseMeetingLink('roundtable://Office-PC.local:4443/standup')?.hostUrl).toBe('https://office-pc.local:4443');
    expect(parseMeetingLink(`roundtable://[fe80::1]:4443/standup?fp=${fp}`)?.hostUrl).toBe('https://[fe80::1]:4443');
    expect(parseMeetingLink('roundtable://10.0.0.5/standup')?.hostUrl).toBe('https://10.0.0.5');
    expect(parseMeetingLink('http://127.0.0.1:4443/?room=local')?.hostUrl).toBe('http://127.0.0.1:4443');
  });

  it.each([
    ['an upper-case fingerprint', `roundtable://10.0.0.5:4443/standup?fp=${fp.toUpperCase()}`],
    ['a short fingerprint', `roundtable://10.0.0.5:4443/standup?fp=${fp.slice(1)}`],
    ['a long fingerprint', `roundtable://10.0.0.5:4443/standup?fp=${fp}0`],
    ['a colon fingerprint', `roundtable://10.0.0.5:4443/standup?fp=${'AB:'.repeat(31)}AB`],
    ['a non-hex fingerprint', `roundtable://10.0.0.5:4443/standup?fp=${'g'.repeat(64)}`],
    ['two fingerprints', `roundtable://10.0.0.5:4443/standup?fp=${fp}&fp=${'f'.repeat(64)}`],
    ['an empty fingerprint', 'roundtable://10.0.0.5:4443/standup?fp='],
  ])('refuses %s', (_name, link) => {
    expect(parseMeetingLink(link)).toBeUndefined();
  });

  it.each([
    ['credentials', `roundtable://user:pw@10.0.0.5:4443/standup?fp=${fp}`],
    ['a host hidden behind @', `https://10.0.0.5:4443@evil.example/?room=standup`],
    ['javascript:', 'javascript:alert(1)//roundtable://h/r'],
    ['file:', 'file:///etc/passwd'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['plain http to a LAN host', 'http://10.0.0.5:4443/?room=standup'],
    ['a path traversal room', 'roundtable://10.0.0.5:4443/..%2F..%2Fetc'],
    ['a nested path', 'roundtable://10.0.0.5:4443/a/b'],
    ['a room with markup', 'roundtable://10.0.0.5:4443/%3Cscript%3E'],
    ['both a path room and ?room=', 'roundtable://10.0.0.5:4443/a?room=b'],
    ['two rooms', 'https://10.0.0.5:4443/?room=a&room=b'],
    ['no room', 'https://10.0.0.5:4443/'],
    ['no host', 'roundtable:///standup'],
    ['an opaque roundtable: URL', 'roundtable:standup'],
    ['a newline', `roundtable://10.0.0.5:4443/standup?fp=${fp}\nEvil: header`],
    ['a NUL byte', 'roundtable://10.0.0.5:4443/stand\0up'],
    ['a space (argument smuggling)', 'roundtable://10.0.0.5:4443/standup --inspect=0.0.0.0'],
    ['backslashes', 'roundtable://10.0.0.5:4443\\evil.example/standup'],
    ['a bad port', 'roundtable://10.0.0.5:99999/standup'],
    ['an invalid host name', 'roundtable://-bad-.local/standup'],
    ['a huge link', `roundtable://10.0.0.5:4443/standup?x=${'a'.repeat(5000)}`],
    ['a room id that is too long', `roundtable://10.0.0.5:4443/${'a'.repeat(65)}`],
    ['an empty string', ''],
    ['not a string', { toString: (): string => 'roundtable://10.0.0.5/standup' }],
  ])('refuses %s', (_name, link) => {
    expect(parseMeetingLink(link)).toBeUndefined();
  });
});

describe('findLinkInArgv', () => {
  it('finds the link among Chromium switches (Windows/Linux second instance)', () => {
    const argv = ['/opt/Roundtable/roundtable', '--no-sandbox', '--allow-file-access-from-files', `roundtable://10.0.0.5:4443/standup?fp=${fp}`];
    expect(findLinkInArgv(argv)).toBe(argv[3]);
    expect(findLinkInArgv(['/opt/Roundtable/roundtable', '--flag'])).toBeUndefined();
  });
});

describe('LinkInbox', () => {
  it('holds links until the page subscribes, then delivers live', () => {
    const deliver = vi.fn();
    const accept = vi.fn();
    const reject = vi.fn();
    const inbox = new LinkInbox({ accept, reject, deliver });
    inbox.open(`roundtable://10.0.0.5:4443/standup?fp=${fp}`);
    inbox.open('javascript:alert(1)');
    expect(deliver).not.toHaveBeenCalled();
    expect(accept).toHaveBeenCalledWith(expect.objectContaining({ hostname: '10.0.0.5', fingerprint: fp }));
    expect(reject).toHaveBeenCalledWith('javascript:alert(1)');
    expect(inbox.subscribe()).toEqual([{ url: `https://10.0.0.5:4443/?room=standup&fp=${fp}` }]);
    expect(inbox.subscribe()).toEqual([]);
    inbox.open('roundtable://10.0.0.6:4443/retro');
    expect(deliver).toHaveBeenCalledWith({ url: 'https://10.0.0.6:4443/?room=retro' });
    inbox.reset();
    inbox.open('roundtable://10.0.0.7:4443/later');
    expect(deliver).toHaveBeenCalledTimes(1);
    expect(inbox.subscribe()).toEqual([{ url: 'https://10.0.0.7:4443/?room=later' }]);
  });
});
