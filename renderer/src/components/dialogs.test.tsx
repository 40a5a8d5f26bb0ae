import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Notices } from './Notices';
import { PasscodePrompt } from './PasscodePrompt';
import { ScreenPickerDialog } from './ScreenPickerDialog';

afterEach(cleanup);

describe('PasscodePrompt', () => {
  it('is a labelled dialog that submits the passcode and shows a wrong-passcode alert', () => {
    const onSubmit = vi.fn();
    const { rerender } = render(<PasscodePrompt roomId="board" busy={false} onSubmit={onSubmit} onCancel={() => {}} />);
    const dialog = screen.getByRole('dialog', { name: 'This meeting needs a passcode' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('Passcode'));
    fireEvent.change(screen.getByLabelText('Passcode'), { target: { value: 'sesame' } });
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(onSubmit).toHaveBeenCalledWith('sesame');
    rerender(<PasscodePrompt roomId="board" busy={false} error="Wrong passcode. Check it with the host and try again." onSubmit={onSubmit} onCancel={() => {}} />);
    expect(screen.getByRole('alert').textContent).toMatch(/Wrong passcode/);
  });

  it('closes with Escape', () => {
    const onCancel = vi.fn();
    render(<PasscodePrompt roomId="board" busy={false} onSubmit={() => {}} onCancel={onCancel} />);
    fireEvent.keyDown(screen.getByLabelText('Passcode'), { key: 'Escape' });
    expect(onCancel).toHaveBeenCalled();
  });
});

describe('ScreenPickerDialog', () => {
  const sources = [
    { id: 'screen:1', name: 'Entire screen', kind: 'screen' as const, thumbnailDataUrl: '' },
    { id: 'window:7', name: 'Editor', kind: 'window' as const, thumbnailDataUrl: '' },
  ];

  it('answers with the picked source and the audio choice', () => {
    const onChoose = vi.fn();
    render(<ScreenPickerDialog sources={sources} onChoose={onChoose} />);
    fireEvent.click(screen.getByRole('radio', { name: 'Editor' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Share system audio' }));
    fireEvent.click(screen.getByRole('button', { name: 'Share' }));
    expect(onChoose).toHaveBeenCalledWith('window:7', true);
  });

  it('answers "nothing" on Cancel', () => {
    const onChoose = vi.fn();
    render(<ScreenPickerDialog sources={sources} onChoose={onChoose} />);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onChoose).toHaveBeenCalledWith(null, false);
  });
});

describe('Notices', () => {
  it('renders alerts (dismissable) and status lines with their roles', () => {
    const onDismiss = vi.fn();
    render(
      <Notices
        notices={[
          { id: 1, kind: 'alert', text: 'Camera and microphone access was denied.' },
          { id: 2, kind: 'status', text: 'Reconnected.' },
        ]}
        onDismiss={onDismiss}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('denied');
    expect(screen.getByRole('status').textContent).toBe('Reconnected.');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onDismiss).toHaveBeenCalledWith(1);
  });
});
