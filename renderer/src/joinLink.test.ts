import { describe, expect, it } from 'vitest';
import { parseJoinInput, takeMeetingKey, takeOwnerKey } from './joinLink';

const fp = 'a'.repeat(64);

describe('join input', () => {
  it('accepts room codes and meeting links', () => {
    expect(parseJoinInput(' standup ')).toEqual({ roomId: 'standup' });
    expect(parseJoinInput(`https://10.0.0.5:4443/?room=design&fp=${fp}`)).toEqual({ hostUrl: 'https://10.0.0.5:4443', roomId: 'design', fingerprint: fp });
    expect(parseJoinInput(`roundtable://10.0.0.5:4443/design?fp=${fp}`)).toEqual({ hostUrl: 'https://10.0.0.5:4443', roomId: 'design', fingerprint: fp });
  });

  it.each(['', 'two words', 'javascript:alert(1)', 'https://host/?room=../x', 'file:///etc/passwd', 'roundtable:///nohost'])('rejects %j', (input) => {
    expect(parseJoinInput(input)).toBeUndefined();
  });
});

describe('secrets in the link fragment', () => {
  const page = (hash: string) => {
    const calls: string[] = [];
    return { location: { pathname: '/', search: '?room=r', hash }, history: { replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void calls.push(String(url)) }, calls };
  };

  it('takes the meeting key and the owner key, each removed from the address bar, the other kept', () => {
    const first = page('#owner=o1&key=k1');
    expect(takeMeetingKey(first.location, first.history)).toBe('k1');
    expect(first.calls).toEqual(['/?room=r#owner=o1']);
    const second = page('#owner=o1');
    expect(takeOwnerKey(second.location, second.history)).toBe('o1');
    expect(second.calls).toEqual(['/?room=r']);
  });

  it('leaves the address alone when the link has no key', () => {
    const none = page('');
    expect(takeMeetingKey(none.location, none.history)).toBeUndefined();
    expect(none.calls).toEqual([]);
  });

  it('reads the meeting key of a pasted link (fragment only)', () => {
    expect(parseJoinInput(`https://10.0.0.5:4443/?room=design#key=abc_-1`)).toEqual({ hostUrl: 'https://10.0.0.5:4443', roomId: 'design', meetingKey: 'abc_-1' });
    expect(parseJoinInput(`https://10.0.0.5:4443/?room=design&key=leaky`)?.meetingKey).toBeUndefined();
  });
});
