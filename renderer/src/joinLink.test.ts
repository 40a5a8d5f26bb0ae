import { describe, expect, it } from 'vitest';
import { parseJoinInput } from './joinLink';

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
