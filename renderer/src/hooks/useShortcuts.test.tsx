import { cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useShortcuts } from './useShortcuts';

afterEach(cleanup);

function Harness({ a, v }: { a(): void; v(): void }) {
  useShortcuts({ a, v });
  return <input aria-label="Message" />;
}

describe('useShortcuts', () => {
  it('Alt+A and Alt+V act, by physical key; ignored while typing in a field', () => {
    const a = vi.fn();
    const v = vi.fn();
    const { getByLabelText } = render(<Harness a={a} v={v} />);
    fireEvent.keyDown(document.body, { code: 'KeyA', key: 'å', altKey: true });
    fireEvent.keyDown(document.body, { code: 'KeyV', key: '√', altKey: true });
    expect(a).toHaveBeenCalledOnce();
    expect(v).toHaveBeenCalledOnce();
    fireEvent.keyDown(getByLabelText('Message'), { code: 'KeyA', key: 'a', altKey: true });
    fireEvent.keyDown(document.body, { code: 'KeyA', key: 'a' });
    fireEvent.keyDown(document.body, { code: 'KeyA', key: 'a', altKey: true, ctrlKey: true });
    expect(a).toHaveBeenCalledOnce();
  });
});
