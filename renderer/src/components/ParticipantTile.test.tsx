import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteParticipant, type Conference } from '../conference';
import { inviteLink } from './inviteLink';
import { ParticipantTile } from './ParticipantTile';

afterEach(cleanup);

const conference = {} as Conference;

function participant(overrides: { micPaused?: boolean; camera?: boolean; hand?: boolean } = {}) {
  const producers = [
    { id: 'p-mic', kind: 'audio' as const, source: 'mic' as const, paused: overrides.micPaused ?? false },
    ...(overrides.camera === false ? [] : [{ id: 'p-cam', kind: 'video' as const, source: 'camera' as const, paused: false }]),
  ];
  return new RemoteParticipant({ id: 'bob', displayName: 'Bob Stone', isHost: true, handRaised: overrides.hand ?? false, producers });
}

describe('ParticipantTile', () => {
  it('shows the name, the host badge and no state badges when all is normal', () => {
    render(<ParticipantTile conference={conference} participant={participant()} speaking={false} />);
    const tile = screen.getByTestId('participant-tile');
    expect(tile.dataset.participantName).toBe('Bob Stone');
    expect(tile.dataset.muted).toBe('false');
    expect(tile.dataset.handRaised).toBe('false');
    expect(screen.queryByRole('img', { name: 'Microphone off' })).toBeNull();
    expect(tile.textContent).toContain('host');
  });

  it('isolates the name so right-to-left text cannot reorder the text around it', () => {
    render(<ParticipantTile conference={conference} participant={participant()} speaking={false} />);
    const name = screen.getByTestId('participant-tile').querySelector('.name');
    expect(name?.tagName).toBe('BDI');
    expect(name?.textContent).toBe('Bob Stone');
  });

  it('shows a muted icon, a raised hand and the avatar (camera off) with matching data attributes', () => {
    render(<ParticipantTile conference={conference} participant={participant({ micPaused: true, camera: false, hand: true })} speaking />);
    const tile = screen.getByTestId('participant-tile');
    expect(tile.dataset.muted).toBe('true');
    expect(tile.dataset.handRaised).toBe('true');
    expect(tile.dataset.cameraOff).toBe('true');
    expect(tile.dataset.speaking).toBe('true');
    expect(screen.getByRole('img', { name: 'Microphone off' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Hand raised' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Bob Stone: camera off' }).textContent).toBe('BS');
    expect(tile.querySelector('video')).toBeNull();
  });

  it('keeps the tile of a participant whose connection dropped, marked "Reconnecting…"', () => {
    const bob = participant({ camera: false });
    render(<ParticipantTile conference={conference} participant={bob} speaking={false} />);
    expect(screen.getByTestId('participant-tile').dataset.reconnecting).toBe('false');
    expect(screen.queryByText('Reconnecting…')).toBeNull();
    cleanup();
    bob.reconnecting = true;
    render(<ParticipantTile conference={conference} participant={bob} speaking={false} />);
    const tile = screen.getByTestId('participant-tile');
    expect(tile.dataset.reconnecting).toBe('true');
    expect(screen.getByRole('status').textContent).toBe('Reconnecting…');
  });

  it('turns consumer scores into a connection-quality indicator', () => {
    const bob = participant();
    const { rerender } = render(<ParticipantTile conference={conference} participant={bob} speaking={false} />);
    expect(screen.getByTestId('quality').dataset.quality).toBe('unknown');
    bob.scores.set('c1', 10);
    bob.scores.set('c2', 5);
    rerender(<ParticipantTile conference={conference} participant={bob} speaking={false} />);
    expect(screen.getByRole('img', { name: 'Connection fair' })).toBeTruthy();
    bob.scores.set('c2', 2);
    rerender(<ParticipantTile conference={conference} participant={bob} speaking={false} />);
    expect(screen.getByRole('img', { name: 'Connection poor' })).toBeTruthy();
  });

  it('floats received reactions over the tile', () => {
    render(<ParticipantTile conference={conference} participant={participant()} speaking={false} reactions={[{ key: 1, emoji: '🎉' }]} />);
    expect(screen.getByRole('img', { name: 'Reaction 🎉' })).toBeTruthy();
  });
});

describe('inviteLink', () => {
  it('is the host URL with the room, plus the certificate fingerprint when known', () => {
    expect(inviteLink('http://127.0.0.1:4780', 'standup')).toBe('http://127.0.0.1:4780/?room=standup');
    expect(inviteLink('https://10.0.0.5:4443/', 'team.sync', 'AB:CD')).toBe('https://10.0.0.5:4443/?room=team.sync&fp=AB%3ACD');
  });
});

describe('ParticipantTile: a camera the host forwards no layer of', () => {
  it('says "Video paused: poor connection" and marks the tile', () => {
    const bob = participant();
    const consumer = { id: 'c-cam', producerId: 'p-cam', paused: false, closed: false };
    bob.streams.set('c-cam', { consumer: consumer as never, source: 'camera', stream: new EventTarget() as unknown as MediaStream, starved: true });
    render(<ParticipantTile conference={{ participants: new Map() } as unknown as Conference} participant={bob} speaking={false} />);
    const tile = screen.getByTestId('participant-tile');
    expect(tile.dataset.videoStarved).toBe('true');
    expect(screen.getByTestId('video-starved').textContent).toBe('Video paused: poor connection');
    expect(tile.querySelector('video')).not.toBeNull(); // kept, so the picture resumes without a flash
  });
});
