import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PeerInfo } from '../../../shared/protocol';
import { ResumeTokens } from '../room/ResumeTokens';
import { SpanResume, tokenDigest, tokenDigests } from './SpanResume';

const info = (id: string, isHost = false): PeerInfo => ({ id, displayName: id, isHost, handRaised: false, producers: [{ id: `${id}-cam`, kind: 'video', source: 'camera', paused: false }] });

describe('resuming a participant of another node', () => {
  afterEach(() => vi.useRealTimers());

  it('a token issued on one node resumes its participant on another, once, by its digest alone', () => {
    const issuing = new ResumeTokens(60_000);
    const token = issuing.issue('ann');
    const digests = tokenDigests(issuing, [{ id: 'ann' }, { id: 'nobody' }]);
    expect(digests).toEqual({ ann: tokenDigest(token) });
    expect(digests.ann).not.toContain(token);

    const notices: [string, unknown][] = [];
    const resume = new SpanResume({ deliver: (name, data) => notices.push([name, data]), windowMs: () => 60_000 });
    const listed = [{ info: info('ann', true), digest: digests.ann }];
    expect(resume.grantFor('a-guessed-token', listed)).toBeUndefined();
    expect(resume.grantFor(undefined, listed)).toBeUndefined();
    const grant = resume.grantFor(token, listed);
    expect(grant).toEqual({ peerId: 'ann', wasHost: true });

    const receiving = new ResumeTokens(60_000);
    receiving.adopt(token, grant!);
    expect(receiving.claim(token)).toEqual({ peerId: 'ann', wasHost: true });
    // Single use: claimed once, and the participant's next token replaces it.
    expect(receiving.claim(token)).toBeUndefined();
    const next = receiving.issue('ann');
    receiving.unclaim(token);
    expect(receiving.claim(token)).toBeUndefined();
    expect(receiving.current('ann')).toBe(next);
    expect(notices).toEqual([]);
  });

  it('a participant whose node is gone is listed as reconnecting, without media, until it comes back or its window lapses', () => {
    vi.useFakeTimers();
    const notices: [string, unknown][] = [];
    const resume = new SpanResume({ deliver: (name, data) => notices.push([name, data]), windowMs: () => 1_000 });
    resume.hold(info('ben'), tokenDigest('ben-token'));
    resume.hold(info('cid'), tokenDigest('cid-token'));
    expect(resume.infos.map((p) => [p.id, p.reconnecting, p.producers.length])).toEqual([['ben', true, 0], ['cid', true, 0]]);
    expect(notices).toEqual([['peerUpdated', { peerId: 'ben', reconnecting: true }], ['peerUpdated', { peerId: 'cid', reconnecting: true }]]);
    expect(resume.grantFor('ben-token', [])).toEqual({ peerId: 'ben', wasHost: false });

    expect(resume.take('ben')).toBe(true);
    expect(resume.take('ben')).toBe(false);
    vi.advanceTimersByTime(1_100);
    // Ben came back (no leave); Cid did not (left once its window lapsed).
    expect(notices.slice(2)).toEqual([['peerLeft', { peerId: 'cid' }]]);
    expect(resume.infos).toEqual([]);
    expect(resume.grantFor('cid-token', [])).toBeUndefined();
  });

  it('locking the meeting ends the reconnecting participants\' way back', () => {
    const notices: [string, unknown][] = [];
    const resume = new SpanResume({ deliver: (name, data) => notices.push([name, data]), windowMs: () => 60_000 });
    resume.hold(info('dan'), tokenDigest('dan-token'));
    resume.forgetAll();
    expect(notices.at(-1)).toEqual(['peerLeft', { peerId: 'dan' }]);
    expect(resume.grantFor('dan-token', [])).toBeUndefined();
    resume.close();
  });
});
